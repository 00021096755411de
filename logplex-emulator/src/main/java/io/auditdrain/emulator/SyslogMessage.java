package io.auditdrain.emulator;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * One message as Logplex delivers it: {@code <PRI>1 TIMESTAMP host APP-NAME PROCID - MSG}, with the literal host
 * {@code host}, MSGID {@code -} and no STRUCTURED-DATA.
 *
 * @param time written in whole seconds, as Heroku stamps Postgres lines
 * @param trailingLf whether the message ends with LF (every relayed line does; Logplex's own L10 notice does not)
 */
record SyslogMessage(int priority, Instant time, String appName, String procId, String text, boolean trailingLf) {

    private static final DateTimeFormatter WHOLE_SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'+00:00'").withZone(ZoneOffset.UTC);
    /** local5.warning, as logplex_syslog_utils:overflow_msg writes it. */
    private static final int OVERFLOW_PRIORITY = 21 * 8 + 4;

    SyslogMessage {
        if (priority < 0 || priority > 191) {
            throw new IllegalArgumentException("syslog priority out of range: " + priority);
        }
        time = time.truncatedTo(ChronoUnit.SECONDS);
    }

    /**
     * Logplex's notice that a drain's buffer overflowed: {@code Error L10 (output buffer overflow): N messages dropped
     * since T.}, stamped {@code now}, with no trailing LF.
     */
    static SyslogMessage overflowNotice(long lost, Instant since, Instant now) {
        String text = "Error L10 (output buffer overflow): " + lost + " messages dropped since "
                + WHOLE_SECONDS.format(since) + ".";
        return new SyslogMessage(OVERFLOW_PRIORITY, now, "heroku", "logplex", text, false);
    }

    /** The message bytes, without the octet count. */
    byte[] bytes() {
        String header = "<" + priority + ">1 " + WHOLE_SECONDS.format(time) + " host " + appName + " " + procId
                + " - ";
        return (header + text + (trailingLf ? "\n" : "")).getBytes(UTF_8);
    }

    /** RFC 6587 octet counting: the byte count (including the trailing LF), a space, the message. */
    byte[] frame() {
        byte[] message = bytes();
        byte[] count = (message.length + " ").getBytes(UTF_8);
        byte[] frame = new byte[count.length + message.length];
        System.arraycopy(count, 0, frame, 0, count.length);
        System.arraycopy(message, 0, frame, count.length, message.length);
        return frame;
    }
}
