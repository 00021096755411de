package io.auditdrain.emulator;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.auditdrain.core.Frame;
import io.auditdrain.core.LogplexFrameReader;
import io.auditdrain.core.LogplexMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reader of Heroku Postgres lines, as a consumer of the drain would write one (independent of the emulator's
 * code): frames through core's frame reader, {@code [ATTACHMENT] [N-M] } cut off, chunks of the same (PROCID, N)
 * joined in order, a chunk that starts with TAB starting a new line.
 */
final class HerokuChunks {

    private static final Pattern CHUNK = Pattern.compile("\\[(\\w+)\\] \\[(\\d+)-(\\d+)\\] (.*)", Pattern.DOTALL);

    /** One joined event. */
    record Event(String procId, String attachment, long sequence, int chunks, String text) {
    }

    private HerokuChunks() {
    }

    static List<Event> read(byte[] body) {
        List<String> messages = new ArrayList<>();
        for (Frame f : LogplexFrameReader.read(body)) {
            messages.add(new String(body, f.offset(), f.length(), UTF_8));
        }
        return join(messages);
    }

    /** Joins the chunks among {@code messages} (whole syslog messages without octet counts). */
    static List<Event> join(List<String> messages) {
        Map<String, List<String>> chunks = new LinkedHashMap<>();
        Map<String, String[]> keys = new LinkedHashMap<>();
        for (String message : messages) {
            LogplexMessage m = LogplexMessage.parse(message).orElseThrow();
            Matcher c = CHUNK.matcher(m.text());
            if (!c.matches()) {
                continue;
            }
            String key = m.procId() + "/" + c.group(2);
            List<String> parts = chunks.computeIfAbsent(key, k -> new ArrayList<>());
            int index = Integer.parseInt(c.group(3));
            if (index != parts.size() + 1) {
                throw new AssertionError("chunk " + index + " of " + key + " out of order");
            }
            parts.add(c.group(4));
            keys.put(key, new String[] {m.procId(), c.group(1), c.group(2)});
        }
        List<Event> events = new ArrayList<>();
        chunks.forEach((key, parts) -> {
            StringBuilder text = new StringBuilder(parts.get(0));
            for (String part : parts.subList(1, parts.size())) {
                if (part.startsWith("\t")) {
                    text.append('\n').append(part, 1, part.length());
                } else {
                    text.append(part);
                }
            }
            String[] k = keys.get(key);
            events.add(new Event(k[0], k[1], Long.parseLong(k[2]), parts.size(), text.toString()));
        });
        return events;
    }
}
