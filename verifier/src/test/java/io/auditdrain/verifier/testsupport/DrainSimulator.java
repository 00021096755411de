package io.auditdrain.verifier.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Stands in for Heroku and the receiver: follows the test cluster's csvlog, turns each new log record into Heroku
 * Postgres Logplex lines, and stores them as drained objects, about every 100 ms. What reaches the store is what
 * Postgres really logged (extended-protocol form, bind parameters on DETAIL lines and all).
 */
public final class DrainSimulator implements AutoCloseable {

    private static final DateTimeFormatter CSV_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    /** Turns one Postgres log message into the messages to drain (to plant decoys); identity by default. */
    public record LogMessage(String severity, String text) {
    }

    private final PostgresCsvLog log;
    private final DrainedObjects store;
    private final String app;
    private final HerokuPostgresLines format;
    private final Function<LogMessage, List<LogMessage>> rewrite;
    private final Map<Long, Long> messageNumbers = new HashMap<>();
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;
    private volatile int objectsWritten;
    private final List<String> drainedTexts = new java.util.concurrent.CopyOnWriteArrayList<>();

    public DrainSimulator(Path csvLog, DrainedObjects store, String app, HerokuPostgresLines format,
                          Function<LogMessage, List<LogMessage>> rewrite) {
        this.log = new PostgresCsvLog(csvLog);
        this.store = store;
        this.app = app;
        this.format = format;
        this.rewrite = rewrite;
        this.thread = new Thread(this::loop, "drain-simulator");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public DrainSimulator(Path csvLog, DrainedObjects store, String app, HerokuPostgresLines format) {
        this(csvLog, store, app, format, List::of);
    }

    public int objectsWritten() {
        return objectsWritten;
    }

    /**
     * Waits until a drained Postgres message contains {@code text} (a marker the test logged last), so that everything
     * logged before it is in the store; fails after {@code timeout}.
     */
    public void awaitDrained(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (drainedTexts.stream().noneMatch(t -> t.contains(text))) {
            if (failure.get() != null) {
                throw new AssertionError("the drain simulator failed", failure.get());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not drained within " + timeout + ": " + text);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private void loop() {
        try {
            while (running) {
                List<String> messages = new ArrayList<>();
                for (PostgresCsvLog.Entry e : log.poll()) {
                    messages.addAll(lines(e));
                }
                if (!messages.isEmpty()) {
                    messages.add(HerokuPostgresLines.routerLine(Instant.now()));
                    store.write(app, messages);
                    objectsWritten++;
                    drainedTexts.addAll(messages);
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    private List<String> lines(PostgresCsvLog.Entry e) {
        Instant time = LocalDateTime.parse(e.logTime().substring(0, 23), CSV_TIME).toInstant(ZoneOffset.UTC);
        HerokuPostgresLines.Prefix prefix = new HerokuPostgresLines.Prefix(e.logTime(), e.pid(), e.sessionStart(),
                e.sessionId(), e.vxid(), e.txid(), e.sessionLine(), e.database(), e.connectionFrom(), e.user(),
                e.applicationName());
        List<LogMessage> logged = new ArrayList<>();
        logged.add(new LogMessage(e.severity(), e.message()));
        if (!e.detail().isEmpty()) {
            logged.add(new LogMessage("DETAIL", e.detail()));
        }
        List<String> out = new ArrayList<>();
        for (LogMessage original : logged) {
            List<LogMessage> rewritten = rewrite.apply(original);
            for (LogMessage m : rewritten.isEmpty() ? List.of(original) : rewritten) {
                long n = messageNumbers.merge(e.pid(), 1L, Long::sum);
                out.addAll(format.messages(time, prefix, n, m.severity() + ":  " + m.text()));
            }
        }
        return out;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("the drain simulator failed", t);
        }
    }
}
