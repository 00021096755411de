package io.auditdrain.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * A Logplex message split into its header fields: {@code <PRI>1 TIMESTAMP host APP-NAME PROCID MSGID MSG}.
 * Logplex writes no STRUCTURED-DATA field, so {@code text} is everything after MSGID and its space.
 *
 * @param timestamp {@code null} when the timestamp field does not parse
 */
public record LogplexMessage(int priority, Instant timestamp, String hostname, String appName, String procId,
                             String msgId, String text) {

    /** Parses one drained message; empty when it does not have the Logplex header shape. */
    public static Optional<LogplexMessage> parse(String message) {
        if (!message.startsWith("<")) {
            return Optional.empty();
        }
        int close = message.indexOf('>');
        if (close < 2 || close > 4) {
            return Optional.empty();
        }
        int priority;
        try {
            priority = Integer.parseInt(message, 1, close, 10);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String[] fields = new String[6];
        int pos = close + 1;
        for (int f = 0; f < fields.length; f++) {
            int sp = message.indexOf(' ', pos);
            if (sp < 0 && f == fields.length - 1 && pos < message.length()) {
                sp = message.length(); // a message with an empty MSG part
            } else if (sp < 0) {
                return Optional.empty();
            }
            fields[f] = message.substring(pos, sp);
            pos = sp + 1;
        }
        byte[] ts = fields[1].getBytes(StandardCharsets.US_ASCII);
        long millis = SyslogTimestamp.parse(ts, 0, ts.length);
        Instant timestamp = millis == SyslogTimestamp.UNPARSEABLE ? null : Instant.ofEpochMilli(millis);
        return Optional.of(new LogplexMessage(priority, timestamp, fields[2], fields[3], fields[4], fields[5],
                pos < message.length() ? message.substring(pos) : ""));
    }
}
