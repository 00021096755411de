package io.auditdrain.emulator;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One HTTP drain request's worth of frames. The Frame-Id is chosen once, when the batch is cut, so that every retry
 * of the batch carries the same one (the receiver derives its object key from it).
 *
 * @param body octet-counted frames, back to back
 * @param messageCount the Logplex-Msg-Count header
 * @param frameId 32 upper-case hex characters, as Logplex writes them
 */
public record LogplexBatch(byte[] body, int messageCount, String frameId) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new Frame-Id: 32 upper-case hex characters. */
    public static String newFrameId() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return HexFormat.of().withUpperCase().formatHex(id);
    }

    /**
     * This batch as Logplex sends it again after it dropped lines meanwhile: an L10 overflow notice in front, under the
     * same Frame-Id ({@code logplex_http_drain} builds the notice when it sends an attempt).
     */
    public LogplexBatch withOverflowNotice(long lost, Instant since, Instant now) {
        byte[] notice = SyslogMessage.overflowNotice(lost, since, now).frame();
        byte[] both = new byte[notice.length + body.length];
        System.arraycopy(notice, 0, both, 0, notice.length);
        System.arraycopy(body, 0, both, notice.length, body.length);
        return new LogplexBatch(both, messageCount + 1, frameId);
    }

    /** Whether the body holds {@code text} (for tests and listeners that look for a statement). */
    public boolean contains(String text) {
        return new String(body, UTF_8).contains(text);
    }

    @Override
    public String toString() {
        return "LogplexBatch[frameId=" + frameId + ", messages=" + messageCount + ", bytes=" + body.length + "]";
    }
}
