package io.auditdrain.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Heroku on loopback: follows a PostgreSQL csvlog, formats each event as Heroku Postgres does, buffers the lines as
 * Logplex does and posts them to a drain URL. Two threads: one reads the log, one sends.
 *
 * <p>Closing stops reading, sends what is buffered (within a bounded time) and stops.
 */
public final class LogplexEmulator implements AutoCloseable {

    /** How long {@link #close()} keeps sending what is buffered. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private final EmulatorSettings settings;
    private final Consumer<String> log;
    private final CsvLogTail tail;
    private final HerokuPostgresFormat format;
    private final DrainBuffer buffer;
    private final DrainSender sender;
    private final Thread reader;
    private final Thread sending;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch readerStopped = new CountDownLatch(1);
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean stopping;

    private LogplexEmulator(EmulatorSettings settings, DeliveryListener listener, Consumer<String> log) {
        this.settings = settings;
        this.log = log;
        this.tail = new CsvLogTail(settings.csvLog(), settings.fromEnd());
        this.format = new HerokuPostgresFormat(settings.attachment(), settings.chunkBytes());
        this.buffer = new DrainBuffer(settings.bufferLines(), Clock.systemUTC());
        String token = settings.privateSpace() ? null : settings.drainToken();
        this.sender = new DrainSender(DrainUrl.parse(settings.drainUrl()), new DrainSender.Settings(
                settings.attempts(), settings.retryBackoff(), settings.timeout(), userAgent(), token), event -> {
                    count(event);
                    listener.attempted(event);
                });
        this.reader = new Thread(this::readLoop, "csvlog-reader");
        this.sending = new Thread(this::sendLoop, "logplex-sender");
        reader.setDaemon(true);
        sending.setDaemon(true);
    }

    /**
     * Starts reading and sending.
     *
     * @param listener told about every delivery attempt (from the sender thread)
     * @param log one line per notable thing (start, retries, drops, read errors); never a credential
     */
    public static LogplexEmulator start(EmulatorSettings settings, DeliveryListener listener, Consumer<String> log) {
        LogplexEmulator emulator = new LogplexEmulator(settings, listener, log);
        emulator.reader.start();
        emulator.sending.start();
        return emulator;
    }

    /** Counters since the start. */
    public Stats stats() {
        return new Stats(records.get(), messages.get(), delivered.get(), dropped.get(), buffer.totalLost(),
                buffer.size(), tail.malformedRecords());
    }

    /**
     * @param records csvlog records read
     * @param messages syslog messages (chunks) made from them and buffered
     * @param deliveredMessages messages in batches answered 2xx
     * @param droppedMessages messages in batches dropped (4xx, or out of tries)
     * @param overflowLost messages dropped because the buffer was full
     * @param buffered messages waiting to be sent now
     * @param malformedRecords csvlog records that could not be read
     */
    public record Stats(long records, long messages, long deliveredMessages, long droppedMessages, long overflowLost,
                        int buffered, long malformedRecords) {
    }

    @Override
    public void close() {
        stopping = true;
        try {
            // No interrupt for the reader: an interrupted FileChannel read closes the channel.
            stopRequested.countDown();
            readerStopped.await(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            buffer.close();
            sending.join(CLOSE_GRACE.toMillis());
            if (sending.isAlive()) {
                sending.interrupt();
                sending.join(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                tail.close();
            } catch (IOException ignored) {
                // closing a read-only file
            }
        }
    }

    private void readLoop() {
        try {
            while (!stopping) {
                readOnce();
                try {
                    stopRequested.await(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    break;
                }
            }
            readOnce(); // what was written until the stop
        } finally {
            readerStopped.countDown();
        }
    }

    private void readOnce() {
        try {
            List<PostgresLogRecord> batch = tail.poll();
            for (PostgresLogRecord record : batch) {
                records.incrementAndGet();
                for (SyslogMessage message : format.format(record, Clock.systemUTC().instant())) {
                    buffer.add(message.frame());
                    messages.incrementAndGet();
                }
            }
        } catch (IOException | UncheckedIOException e) {
            log.accept("cannot read " + settings.csvLog() + ": " + e.getMessage());
        }
    }

    private void sendLoop() {
        try {
            while (true) {
                var batch = buffer.take(settings.batchBytes(), stopping ? Duration.ZERO : settings.flushInterval());
                if (batch.isEmpty()) {
                    return;
                }
                sender.send(batch.get());
            }
        } catch (InterruptedException e) {
            if (!buffer.isEmpty()) {
                log.accept("stopped with " + buffer.size() + " messages not sent");
            }
        }
    }

    private void count(DeliveryEvent event) {
        if (event.outcome() == DeliveryEvent.Outcome.DELIVERED) {
            delivered.addAndGet(event.batch().messageCount());
        } else if (event.dropped()) {
            dropped.addAndGet(event.batch().messageCount());
        }
        if (event.outcome() != DeliveryEvent.Outcome.DELIVERED) {
            log.accept(event.describe());
        }
    }

    static String userAgent() {
        String version = LogplexEmulator.class.getPackage().getImplementationVersion();
        return "Logplex/auditdrain-emulator-" + (version == null ? "dev" : version);
    }
}
