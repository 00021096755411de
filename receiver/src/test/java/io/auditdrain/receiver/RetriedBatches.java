package io.auditdrain.receiver;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.auditdrain.core.GzipDecoder;
import io.auditdrain.core.LineCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What Logplex does on a retry, for both doors' tests: the same bytes again under the same Frame-Id, or the same
 * batch with an {@code L10} overflow notice in front. Asserts on what ends up stored: every line exactly once.
 */
public final class RetriedBatches {

    public static final String FRAME_ID = "6F1E3C2D9A8B7C6D5E4F3A2B1C0D9E8F";
    public static final String NOTICE = "<172>1 2026-11-22T10:00:09+00:00 host heroku logplex - Error L10 (output "
            + "buffer overflow): 3 messages dropped since 2026-11-22T10:00:02+00:00.";
    /** Lines whose timestamps do not parse: a nil timestamp, a date without time, and bytes with no frame at all. */
    public static final List<String> UNDATED = List.of("<13>1 - host app web.1 - nil timestamp",
            "<13>1 2026-11-22 host app web.1 - a date without a time", "not a frame at all");
    public static final List<String> BATCH = List.of(
            "<190>1 2026-11-22T10:00:00.000001+00:00 host app web.1 - first",
            "<134>1 2026-11-22T10:00:01+00:00 host app postgres.1105947 - [DATABASE] [7-1]  LOG:  statement: "
                    + "INSERT INTO customer_audit_events (tag) VALUES ('retried')");

    private RetriedBatches() {
    }

    public static byte[] undatedBody() {
        return (counted(UNDATED.get(0)) + counted(UNDATED.get(1)) + UNDATED.get(2) + "\n").getBytes(UTF_8);
    }

    public static byte[] batch() {
        return (counted(BATCH.get(0)) + counted(BATCH.get(1))).getBytes(UTF_8);
    }

    public static byte[] batchAfterNotice() {
        return (counted(NOTICE) + counted(BATCH.get(0)) + counted(BATCH.get(1))).getBytes(UTF_8);
    }

    /** What a batch and its retries with a notice in front must leave stored: each line once. */
    public static List<String> batchAndNotice() {
        List<String> lines = new ArrayList<>(BATCH);
        lines.add(NOTICE);
        return lines;
    }

    public static Map<String, String> logplexHeaders(String authorization, int messages) {
        return Map.of("content-type", "application/logplex-1", "logplex-msg-count", Integer.toString(messages),
                "logplex-frame-id", FRAME_ID, "logplex-drain-token", "d.fc6b856b-3332-4546-93de-7d0ee272c3bd",
                "user-agent", "Logplex/v123", "authorization", authorization);
    }

    /** Asserts that the stored objects (gzip bytes of every version of every object) hold exactly these lines. */
    public static void assertStoredOnce(List<byte[]> objects, List<String> expected) {
        List<String> stored = new ArrayList<>();
        for (byte[] gzip : objects) {
            stored.addAll(LineCodec.decodeAllUtf8(GzipDecoder.decode(gzip)));
        }
        assertEquals(expected.stream().sorted().toList(), stored.stream().sorted().toList(),
                "every line stored once, in " + objects.size() + " object versions");
    }

    private static String counted(String message) {
        return (message.getBytes(UTF_8).length + 1) + " " + message + "\n";
    }
}
