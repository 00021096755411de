package io.auditdrain.emulator;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar logplex-emulator.jar}: Heroku on loopback for development and tests. Runs until stopped (SIGTERM,
 * Ctrl-C), then sends what it has buffered.
 */
@Command(name = "logplex-emulator", mixinStandardHelpOptions = true, versionProvider = EmulatorCli.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Follows a PostgreSQL csvlog and posts every event to a drain URL as Heroku would: Heroku Postgres"
                    + " messages ([DATABASE] [N-M] chunks), octet-counted frames, the Logplex headers, batches of"
                    + " about 100 KB, a 5 s answer budget, 3 tries with the same Frame-Id on 429/5xx/timeouts,"
                    + " a 4xx dropped for good, and a 1024-line buffer that reports overflow with an L10 notice.",
            "",
            "The drain URL holds a secret: give it in LOGPLEX_DRAIN_URL (http(s)://<app>:<secret>@host:port/logs)."
                    + " It is never printed.",
            "",
            "Development and test infrastructure: never deployed."},
        footer = {"", "Example:",
            "  LOGPLEX_DRAIN_URL=http://local-app:...@127.0.0.1:8080/logs \\",
            "    java -jar logplex-emulator/target/logplex-emulator.jar --csvlog .local/stack/pg/log/postgresql.csv",
            "", "Exit status: 0 stopped, 2 usage or configuration error."})
public final class EmulatorCli implements Callable<Integer> {

    static final String DRAIN_URL_VARIABLE = "LOGPLEX_DRAIN_URL";

    @Spec
    CommandSpec spec;

    @Option(names = "--csvlog", paramLabel = "FILE", required = true,
            description = "The server's csvlog (log_destination = 'csvlog'); waited for if it does not exist yet.")
    Path csvLog;

    @Option(names = "--drain-url", paramLabel = "URL",
            description = "The drain URL. Prefer the environment variable " + DRAIN_URL_VARIABLE
                    + ": an argument shows in process listings.")
    String drainUrl;

    @Option(names = "--attachment", paramLabel = "NAME", defaultValue = EmulatorSettings.DEFAULT_ATTACHMENT,
            description = "The database's attachment name, in [NAME] before [N-M] (default: ${DEFAULT-VALUE}).")
    String attachment;

    @Option(names = "--flush-interval", paramLabel = "DURATION", defaultValue = "250ms",
            converter = DurationConverter.class,
            description = "How long to let a batch fill after its first line (default: ${DEFAULT-VALUE}).")
    Duration flushInterval;

    @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "100ms",
            converter = DurationConverter.class,
            description = "How often to look for new csvlog records (default: ${DEFAULT-VALUE}).")
    Duration pollInterval;

    @Option(names = "--batch-bytes", paramLabel = "BYTES", defaultValue = "102400",
            description = "Largest request body; a larger single message goes alone (default: ${DEFAULT-VALUE}).")
    int batchBytes;

    @Option(names = "--buffer-lines", paramLabel = "N", defaultValue = "1024",
            description = "Lines held while the drain is slow; beyond that the oldest are dropped and an L10 notice"
                    + " follows (default: ${DEFAULT-VALUE}).")
    int bufferLines;

    @Option(names = "--chunk-bytes", paramLabel = "BYTES", defaultValue = "900",
            description = "Longest [N-M] chunk, as PostgreSQL's syslog limit (default: ${DEFAULT-VALUE}).")
    int chunkBytes;

    @Option(names = "--attempts", paramLabel = "N", defaultValue = "3",
            description = "Tries per batch on 429, 5xx, timeouts and connection errors (default: ${DEFAULT-VALUE}).")
    int attempts;

    @Option(names = "--retry-backoff", paramLabel = "DURATION", defaultValue = "1s",
            converter = DurationConverter.class,
            description = "Pause before a retry (default: ${DEFAULT-VALUE}).")
    Duration retryBackoff;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "How long to wait for an answer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--from-end",
            description = "Skip what the csvlog already holds; send only what is written from now on.")
    boolean fromEnd;

    @Option(names = "--private-space",
            description = "Send no Logplex-Frame-Id and no Logplex-Drain-Token, as Private Space drains do.")
    boolean privateSpace;

    @Option(names = "--quiet", description = "Log only retries, drops and errors, not every delivery.")
    boolean quiet;

    private final Map<String, String> environment;
    private final CountDownLatch stop;

    EmulatorCli(Map<String, String> environment, CountDownLatch stop) {
        this.environment = environment;
        this.stop = stop;
    }

    public static void main(String[] args) {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        // On SIGTERM the JVM halts once its hooks return: this one holds it until what is buffered has been sent.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                finished.await(LogplexEmulator.CLOSE_GRACE.toSeconds() * 2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "emulator-stop"));
        int code = execute(System.getenv(), stop, out, err, args);
        finished.countDown();
        System.exit(code);
    }

    /** Runs the CLI until {@code stop} is counted down; returns the exit code. */
    static int execute(Map<String, String> env, CountDownLatch stop, PrintWriter out, PrintWriter err,
                       String... args) {
        CommandLine cl = new CommandLine(new EmulatorCli(env, stop));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println("logplex-emulator: " + (e.getMessage() != null ? e.getMessage()
                    : e.getClass().getSimpleName()));
            return 2;
        });
        cl.getCommandSpec().exitCodeOnInvalidInput(2);
        return cl.execute(args);
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        String url = drainUrl != null ? drainUrl : environment.get(DRAIN_URL_VARIABLE);
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("no drain URL: set " + DRAIN_URL_VARIABLE
                    + " to http(s)://<app>:<secret>@host:port/logs");
        }
        if (drainUrl != null) {
            log(err, "note: a drain URL given as an argument shows in process listings; prefer "
                    + DRAIN_URL_VARIABLE);
        }
        EmulatorSettings settings = new EmulatorSettings(csvLog, url, attachment, pollInterval, flushInterval,
                batchBytes, bufferLines, chunkBytes, attempts, retryBackoff, timeout, fromEnd, privateSpace,
                EmulatorSettings.newDrainToken());
        DeliveryListener listener = quiet ? DeliveryListener.NONE : event -> {
            if (event.outcome() == DeliveryEvent.Outcome.DELIVERED) {
                log(err, event.describe());
            }
        };
        try (LogplexEmulator emulator = LogplexEmulator.start(settings, listener, line -> log(err, line))) {
            log(err, "following " + csvLog + (fromEnd ? " from its end" : "") + ", posting to "
                    + settings.redactedDrainUrl() + " as [" + attachment + "]"
                    + (privateSpace ? " (Private Space: no Frame-Id, no Drain-Token)" : ""));
            stop.await();
            log(err, "stopping: sending what is buffered");
            emulator.close();
            LogplexEmulator.Stats s = emulator.stats();
            log(err, "stopped: " + s.records() + " csvlog records, " + s.messages() + " messages, "
                    + s.deliveredMessages() + " delivered, " + s.droppedMessages() + " dropped, "
                    + s.overflowLost() + " lost to buffer overflow, " + s.buffered() + " unsent");
        }
        return 0;
    }

    private static void log(PrintWriter err, String line) {
        synchronized (err) {
            err.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " logplex-emulator: " + line);
            err.flush();
        }
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = EmulatorCli.class.getPackage().getImplementationVersion();
            return new String[] {"logplex-emulator " + (v == null ? "(development build)" : v)};
        }
    }
}
