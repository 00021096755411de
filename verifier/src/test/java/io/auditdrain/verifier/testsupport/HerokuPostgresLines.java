package io.auditdrain.verifier.testsupport;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Formats Postgres log messages as Heroku Postgres sends them through Logplex:
 * {@code <134>1 2023-06-05T19:33:14+00:00 host app postgres.1105947 - [DATABASE] [12-1]  sql_error_code = ...}.
 * Timestamps have whole seconds. A message is split at its line breaks and into pieces of at most
 * {@code chunkSize} characters; only chunk 1 carries the prefix.
 */
public record HerokuPostgresLines(String attachment, boolean attachmentAfterSequence, int chunkSize) {

    public static HerokuPostgresLines standard() {
        return new HerokuPostgresLines("DATABASE", false, 10_000);
    }

    /** The fields Heroku's log_line_prefix puts before the severity; {@code user} null leaves that field out. */
    public record Prefix(String timeMs, long pid, String procStart, String sessionId, String vtid, String tid,
                         long logLine, String database, String connectionSource, String user,
                         String applicationName) {

        public static Prefix of(long pid, String user) {
            return new Prefix("2026-01-01 00:00:00.000 UTC", pid, "2026-01-01 00:00:00 UTC", "6790a3b1.1f2e",
                    "3/17", "0", 1, "d1abc2def3", "10.0.0.1(40000)", user, "web.1");
        }

        /** A prefix of a line logged at {@code time}, line {@code logLine} of its session. */
        public static Prefix at(Instant time, long pid, long logLine, String user, String applicationName) {
            String ms = time.truncatedTo(ChronoUnit.MILLIS).toString().replace('T', ' ').replace("Z", "");
            if (ms.length() == 19) {
                ms += ".000";
            }
            return new Prefix(ms + " UTC", pid, "2026-01-01 00:00:00 UTC", Long.toHexString(pid) + ".1f2e", "3/17",
                    "0", logLine, "d1abc2def3", "10.0.0.1(40000)", user, applicationName);
        }

        String render() {
            return " sql_error_code = 00000 time_ms = \"" + timeMs + "\" pid=\"" + pid + "\" proc_start_time=\""
                    + procStart + "\" session_id=\"" + sessionId + "\" vtid=\"" + vtid + "\" tid=\"" + tid
                    + "\" log_line=\"" + logLine + "\" database=\"" + database + "\" connection_source=\""
                    + connectionSource + "\"" + (user == null ? "" : " user=\"" + user + "\"")
                    + " application_name=\"" + applicationName + "\" ";
        }
    }

    /**
     * The Logplex messages of one Postgres log message (e.g. {@code LOG:  statement: INSERT ...}) as message number
     * {@code n} of process {@code postgres.<pid>}.
     */
    public List<String> messages(Instant time, Prefix prefix, long n, String severityAndText) {
        String full = prefix.render() + severityAndText;
        List<String> pieces = new ArrayList<>();
        for (String line : full.split("\n", -1)) {
            if (line.isEmpty()) {
                pieces.add("");
            }
            for (int i = 0; i < line.length(); i += chunkSize) {
                pieces.add(line.substring(i, Math.min(line.length(), i + chunkSize)));
            }
        }
        String header = "<134>1 " + time.truncatedTo(ChronoUnit.SECONDS).toString().replace("Z", "+00:00")
                + " host app postgres." + prefix.pid() + " - ";
        List<String> out = new ArrayList<>();
        for (int m = 0; m < pieces.size(); m++) {
            String seq = "[" + n + "-" + (m + 1) + "]";
            String att = "[" + attachment + "]";
            String tags = attachmentAfterSequence ? seq + " " + att : att + " " + seq;
            out.add(header + tags + " " + pieces.get(m));
        }
        return out;
    }

    /** A router line, the kind of traffic that surrounds Postgres lines in every object. */
    public static String routerLine(Instant time) {
        return "<158>1 " + time.toString().replace("Z", "+00:00") + " host heroku router - at=info method=GET"
                + " path=\"/health\" host=app.example request_id=" + java.util.UUID.randomUUID()
                + " fwd=\"10.1.2.3\" dyno=web.1 connect=0ms service=2ms status=200 bytes=120 protocol=https";
    }
}
