package io.auditdrain.emulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * How the emulator reads the log and behaves as Logplex. The defaults are Heroku's: attachment {@code DATABASE},
 * PostgreSQL's 900-byte syslog chunks, batches of about 100 KB, a buffer of 1024 lines, a 5 s answer budget and 3
 * tries with a 1 s pause (Logplex reconnects after a second).
 *
 * @param fromEnd send only what is written after the start (Logplex never replays older lines)
 * @param privateSpace send no Frame-Id and no Drain-Token, as drains of Heroku Private Spaces do
 * @param drainToken the Logplex-Drain-Token ({@code d.<uuid>})
 */
public record EmulatorSettings(
        Path csvLog,
        String drainUrl,
        String attachment,
        Duration pollInterval,
        Duration flushInterval,
        int batchBytes,
        int bufferLines,
        int chunkBytes,
        int attempts,
        Duration retryBackoff,
        Duration timeout,
        boolean fromEnd,
        boolean privateSpace,
        String drainToken) {

    public static final String DEFAULT_ATTACHMENT = "DATABASE";
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(250);
    public static final int DEFAULT_BATCH_BYTES = 100 * 1024;
    public static final int DEFAULT_BUFFER_LINES = 1024;
    public static final int DEFAULT_ATTEMPTS = 3;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** Validates every setting at once, so that a bad configuration is reported whole. */
    public EmulatorSettings {
        List<String> problems = new ArrayList<>();
        if (csvLog == null) {
            problems.add("a csvlog file is required");
        }
        try {
            DrainUrl.parse(drainUrl);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (!HerokuPostgresFormat.isValidAttachment(attachment)) {
            problems.add("the attachment name must be upper-case letters, digits and underscores (DATABASE,"
                    + " HEROKU_POSTGRESQL_YELLOW): " + attachment);
        }
        requirePositive(problems, "poll interval", pollInterval);
        if (flushInterval == null || flushInterval.isNegative()) {
            problems.add("flush interval must be zero or more");
        }
        if (batchBytes < 1024) {
            problems.add("batch size must be at least 1024 bytes: " + batchBytes);
        }
        if (bufferLines < 1) {
            problems.add("buffer must hold at least one line: " + bufferLines);
        }
        if (chunkBytes < SyslogChunker.MIN_LIMIT) {
            problems.add("chunk size must be at least " + SyslogChunker.MIN_LIMIT + " bytes: " + chunkBytes);
        }
        if (attempts < 1) {
            problems.add("attempts must be at least 1: " + attempts);
        }
        if (retryBackoff == null || retryBackoff.isNegative()) {
            problems.add("retry backoff must be zero or more");
        }
        requirePositive(problems, "timeout", timeout);
        if (drainToken != null && !drainToken.matches("d\\.[0-9a-f-]{36}")) {
            problems.add("a drain token looks like d.<uuid>: " + drainToken);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** Heroku's defaults for everything but the log file and the drain URL. */
    public static EmulatorSettings defaults(Path csvLog, String drainUrl) {
        return new EmulatorSettings(csvLog, drainUrl, DEFAULT_ATTACHMENT, DEFAULT_POLL_INTERVAL,
                DEFAULT_FLUSH_INTERVAL, DEFAULT_BATCH_BYTES, DEFAULT_BUFFER_LINES, SyslogChunker.POSTGRES_LIMIT,
                DEFAULT_ATTEMPTS, DEFAULT_RETRY_BACKOFF, DEFAULT_TIMEOUT, false, false, newDrainToken());
    }

    public static String newDrainToken() {
        return "d." + UUID.randomUUID();
    }

    public EmulatorSettings withRetryBackoff(Duration backoff) {
        return new EmulatorSettings(csvLog, drainUrl, attachment, pollInterval, flushInterval, batchBytes,
                bufferLines, chunkBytes, attempts, backoff, timeout, fromEnd, privateSpace, drainToken);
    }

    public EmulatorSettings withFromEnd(boolean skipExisting) {
        return new EmulatorSettings(csvLog, drainUrl, attachment, pollInterval, flushInterval, batchBytes,
                bufferLines, chunkBytes, attempts, retryBackoff, timeout, skipExisting, privateSpace, drainToken);
    }

    public EmulatorSettings withChunkBytes(int bytes) {
        return new EmulatorSettings(csvLog, drainUrl, attachment, pollInterval, flushInterval, batchBytes,
                bufferLines, bytes, attempts, retryBackoff, timeout, fromEnd, privateSpace, drainToken);
    }

    /** The drain URL with its password hidden. */
    public String redactedDrainUrl() {
        return DrainUrl.parse(drainUrl).toString();
    }

    /** The drain URL holds a secret: never in a string form of the settings. */
    @Override
    public String toString() {
        return "EmulatorSettings[csvLog=" + csvLog + ", drainUrl=" + redactedDrainUrl() + ", attachment=" + attachment
                + ", pollInterval=" + pollInterval + ", flushInterval=" + flushInterval + ", batchBytes=" + batchBytes
                + ", bufferLines=" + bufferLines + ", chunkBytes=" + chunkBytes + ", attempts=" + attempts
                + ", retryBackoff=" + retryBackoff + ", timeout=" + timeout + ", fromEnd=" + fromEnd
                + ", privateSpace=" + privateSpace + "]";
    }

    private static void requirePositive(List<String> problems, String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            problems.add(name + " must be more than zero");
        }
    }
}
