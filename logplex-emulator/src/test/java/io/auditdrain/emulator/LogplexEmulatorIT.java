package io.auditdrain.emulator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.Frame;
import io.auditdrain.core.LogplexFrameReader;
import io.auditdrain.emulator.ScriptedDrain.Answer;
import io.auditdrain.receiver.Receiver;
import io.auditdrain.receiver.config.ReceiverConfig;
import io.auditdrain.receiver.local.LocalServer;
import io.auditdrain.testing.FreePort;
import io.auditdrain.testing.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulator between a real PostgreSQL 15 and the real receiver (local server, directory store): what Postgres
 * logs arrives in the store as Heroku Postgres lines that a reader joins back into the statements.
 */
class LogplexEmulatorIT {

    private static final String APP = "emulator-it";
    private static final String SECRET = "ZW11bGF0b3ItaXQtc2VjcmV0LTAxMjM0NTY3ODkwMTI";
    private static final Duration ARRIVAL = Duration.ofSeconds(30);

    private static PostgresServer postgres;

    @TempDir
    Path dir;

    private final List<AutoCloseable> started = new ArrayList<>();
    private final List<DeliveryEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresServer.start(Map.of("log_statement", "'mod'", "log_timezone", "'UTC'"));
        postgres.psql("postgres", "CREATE TABLE audit_probe (id text PRIMARY KEY, note text)");
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    private Path store() {
        return dir.resolve("store");
    }

    private LocalServer startReceiver(int port) throws IOException {
        Path credentials = dir.resolve("credentials.properties");
        Files.writeString(credentials, APP + "=" + SECRET + "\n");
        Receiver receiver = Receiver.create(ReceiverConfig.fromEnvironment(Map.of(
                "AUDITDRAIN_STORE", "file:" + store(), "AUDITDRAIN_CREDENTIALS", "file:" + credentials)),
                new PrintStream(new ByteArrayOutputStream(), true, UTF_8));
        LocalServer server = LocalServer.start(receiver.handler(), "127.0.0.1", port, 4);
        started.add(receiver);
        started.add(server);
        return server;
    }

    private LogplexEmulator startEmulator(EmulatorSettings settings) {
        LogplexEmulator emulator = LogplexEmulator.start(settings, events::add, line -> { });
        started.add(emulator);
        return emulator;
    }

    private EmulatorSettings settings(int port) {
        return EmulatorSettings.defaults(postgres.csvLog(), drainUrl(port)).withFromEnd(true);
    }

    private static String drainUrl(int port) {
        return "http://" + APP + ":" + SECRET + "@127.0.0.1:" + port + "/logs";
    }

    @Test
    void multi_line_and_long_statements_arrive_as_heroku_lines_that_join_back_into_the_statement() throws Exception {
        LocalServer receiver = startReceiver(0);
        startEmulator(settings(receiver.port()));
        String multiLine = "INSERT INTO audit_probe (id, note)\n\tVALUES ('multi-1', 'first line\nsecond line')";
        StringBuilder longOne = new StringBuilder("INSERT INTO audit_probe (id, note) VALUES ('long-1', '");
        longOne.append("word ".repeat(400)).append("')");
        postgres.psql("postgres", multiLine);
        postgres.psql("postgres", longOne.toString());

        List<HerokuChunks.Event> stored = StoredLines.awaitEvents(store(), ARRIVAL, all ->
                StoredLines.anyEndsWith("LOG:  statement: " + multiLine).test(all)
                        && StoredLines.anyEndsWith("LOG:  statement: " + longOne).test(all));
        HerokuChunks.Event multi = stored.stream().filter(e -> e.text().contains("multi-1")).findFirst().orElseThrow();
        assertEquals(3, multi.chunks(), "one chunk per line");
        assertEquals("DATABASE", multi.attachment());
        assertTrue(multi.procId().matches("postgres\\.\\d+"), multi.procId());
        assertTrue(multi.text().startsWith(" sql_error_code = 00000 time_ms = \""), multi.text());
        assertTrue(multi.text().contains(" user=\"postgres\" application_name=\"psql\" LOG:  statement: "));
        HerokuChunks.Event longEvent = stored.stream().filter(e -> e.text().contains("long-1")).findFirst()
                .orElseThrow();
        assertTrue(longEvent.chunks() >= 3, "a 2 KB line is split at 900 bytes: " + longEvent.chunks());
    }

    @Test
    void bind_values_of_the_extended_protocol_arrive_as_a_detail_chunk_of_the_same_event() throws Exception {
        LocalServer receiver = startReceiver(0);
        startEmulator(settings(receiver.port()));
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("postgres"), PostgresServer.SUPERUSER,
                postgres.superuserPassword());
             PreparedStatement insert = c.prepareStatement("INSERT INTO audit_probe (id, note) VALUES (?, 'bound')")) {
            insert.setString(1, "bound-1");
            insert.executeUpdate();
        }
        List<HerokuChunks.Event> stored = StoredLines.awaitEvents(store(), ARRIVAL,
                all -> all.stream().anyMatch(e -> e.text().contains("'bound-1'")));
        HerokuChunks.Event event = stored.stream().filter(e -> e.text().contains("'bound-1'")).findFirst()
                .orElseThrow();
        assertEquals(2, event.chunks());
        assertTrue(event.text().contains("LOG:  execute <unnamed>: INSERT INTO audit_probe (id, note) VALUES ($1,"
                + " 'bound')"), event.text());
        assertTrue(event.text().endsWith("DETAIL:  parameters: $1 = 'bound-1'"), event.text());
    }

    @Test
    void a_receiver_that_is_down_gets_the_batch_on_a_retry_once_it_is_back() throws Exception {
        int port = FreePort.find();
        startEmulator(settings(port));
        postgres.psql("postgres", "INSERT INTO audit_probe (id) VALUES ('while-down')");
        awaitEvent(e -> e.batch().contains("while-down") && e.outcome() == DeliveryEvent.Outcome.RETRY);

        startReceiver(port);
        DeliveryEvent delivered = awaitEvent(e -> e.batch().contains("while-down")
                && e.outcome() == DeliveryEvent.Outcome.DELIVERED);
        assertTrue(delivered.attempt() >= 2, "delivered by a retry: " + delivered.describe());
        String firstFrameId = events.stream().filter(e -> e.batch().contains("while-down")).findFirst().orElseThrow()
                .batch().frameId();
        assertEquals(firstFrameId, delivered.batch().frameId());
        StoredLines.awaitEvents(store(), ARRIVAL,
                StoredLines.anyEndsWith("LOG:  statement: INSERT INTO audit_probe (id) VALUES ('while-down')"));
    }

    @Test
    void a_slow_drain_overflows_the_buffer_and_the_next_batch_reports_the_loss_with_an_l10_notice()
            throws Exception {
        try (ScriptedDrain drain = ScriptedDrain.start(new Answer(200, Duration.ofSeconds(2)))) {
            EmulatorSettings small = new EmulatorSettings(postgres.csvLog(), drain.url(APP, SECRET), "DATABASE",
                    Duration.ofMillis(50), Duration.ZERO, 102_400, 5, 900, 3, Duration.ofMillis(100),
                    Duration.ofSeconds(5), true, false, EmulatorSettings.newDrainToken());
            LogplexEmulator emulator = startEmulator(small);
            postgres.psql("postgres", "INSERT INTO audit_probe (id) VALUES ('first')");
            awaitReceived(drain, 1);
            // One statement per log event: 20 events while the first batch waits for its answer.
            try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("postgres"), PostgresServer.SUPERUSER,
                    postgres.superuserPassword()); Statement statement = c.createStatement()) {
                for (int i = 0; i < 20; i++) {
                    statement.execute("INSERT INTO audit_probe (id) VALUES ('burst-" + i + "')");
                }
            }
            awaitReceived(drain, 2);

            byte[] body = drain.received().get(1).body();
            List<Frame> frames = LogplexFrameReader.read(body);
            String notice = new String(body, frames.get(0).offset(), frames.get(0).length(), UTF_8);
            assertTrue(notice.matches("<172>1 \\S+ host heroku logplex - Error L10 \\(output buffer overflow\\): \\d+"
                    + " messages dropped since \\S+\\."), notice);
            assertEquals(Frame.Kind.COUNTED, frames.get(0).kind());
            assertEquals(6, frames.size(), "the notice and the 5 newest lines");
            assertTrue(new String(body, UTF_8).contains("burst-19"));
            assertTrue(emulator.stats().overflowLost() >= 15, emulator.stats().toString());
        }
    }

    private DeliveryEvent awaitEvent(java.util.function.Predicate<DeliveryEvent> match) throws InterruptedException {
        long deadline = System.nanoTime() + ARRIVAL.toNanos();
        while (System.nanoTime() < deadline) {
            for (DeliveryEvent e : events) {
                if (match.test(e)) {
                    return e;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no such delivery event within " + ARRIVAL + ": " + events);
    }

    private static void awaitReceived(ScriptedDrain drain, int requests) throws InterruptedException {
        long deadline = System.nanoTime() + ARRIVAL.toNanos();
        while (drain.received().size() < requests) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + requests + " requests within " + ARRIVAL);
            }
            Thread.sleep(20);
        }
    }
}
