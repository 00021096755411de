package io.auditdrain.faults;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.auditdrain.emulator.LogplexBatch;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Logplex batches whose every line names its batch ({@code batch=<marker> line=<i>/<n>}), so that the census can
 * find each batch in the bucket and tell whether it is there once, whole and byte-exact. A batch's lines share one
 * timestamp, so the receiver stores it as one object; their text mixes what drains carry (router and dyno lines,
 * a Heroku Postgres statement, UTF-8, TABs, a long line now and then).
 */
final class MarkedBatches {

    private static final Pattern MARK = Pattern.compile(" batch=(\\S+) line=([0-9]+)/([0-9]+) ");
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'+00:00'")
            .withZone(ZoneOffset.UTC);
    private static final String[] TEXTS = {
        "at=info method=POST path=\"/api/events\" host=acme-api-prod.herokuapp.com request_id=%s fwd=\"54.81.112.21\""
                + " dyno=web.1 connect=1ms service=23ms status=201 bytes=412 protocol=https",
        "[YELLOW] [12-1]  sql_error_code = 00000 LOG:  statement: INSERT INTO customer_audit_events (dimension,"
                + " customer_id, action) VALUES ('billing', 'cus_%s', 'plan_changed')",
        "State changed from starting to up",
        "Café order ✓ for Zoë: 3 × €4.50, tab\tseparated\tfields %s",
        "Completed 200 OK in 12ms (Views: 3.1ms | ActiveRecord: 4.2ms | Allocations: 2210) id=%s",
    };

    /** One batch as sent, with the messages the archive must hold for it (the lines without their count). */
    record Batch(String marker, LogplexBatch logplex, List<String> messages) {
    }

    /** A line's batch marker and position, as read back from the archive. */
    record Mark(String marker, int line, int lines) {
    }

    private final String scenario;
    private final AtomicLong sequence = new AtomicLong();

    /** @param scenario goes into every marker, so markers are unique across a run */
    MarkedBatches(String scenario) {
        this.scenario = scenario;
    }

    /** A new batch of 1 to 40 lines, from {@code sender}, stamped now. */
    Batch next(int sender, Random random) {
        String marker = scenario + "/" + sender + "/" + sequence.incrementAndGet();
        int count = 1 + random.nextInt(40);
        String timestamp = MICROS.format(Instant.now());
        List<String> messages = new ArrayList<>(count);
        ByteArrayOutputStream body = new ByteArrayOutputStream(count * 256);
        for (int i = 1; i <= count; i++) {
            String text = String.format(TEXTS[random.nextInt(TEXTS.length)], Long.toHexString(random.nextLong()));
            if (random.nextInt(50) == 0) {
                text = text + " " + "x".repeat(2_000 + random.nextInt(6_000));
            }
            String procid = text.startsWith("at=") ? "heroku router" : text.startsWith("[") ? "app postgres.1105947"
                    : "app web." + (1 + sender % 4);
            String message = "<134>1 " + timestamp + " host " + procid + " - fault-suite batch=" + marker + " line="
                    + i + "/" + count + " " + text;
            messages.add(message);
            byte[] bytes = (message + "\n").getBytes(UTF_8);
            body.writeBytes((bytes.length + " ").getBytes(UTF_8));
            body.writeBytes(bytes);
        }
        return new Batch(marker, new LogplexBatch(body.toByteArray(), count, LogplexBatch.newFrameId()),
                List.copyOf(messages));
    }

    /** The mark in a stored line; null for a line that carries none. */
    static Mark markOf(String line) {
        Matcher m = MARK.matcher(line);
        if (!m.find()) {
            return null;
        }
        return new Mark(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }
}
