package io.auditdrain.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.auditdrain.emulator.DeliveryEvent;
import io.auditdrain.emulator.EmulatorSettings;
import io.auditdrain.emulator.LogplexEmulator;
import io.auditdrain.receiver.Receiver;
import io.auditdrain.receiver.config.ReceiverConfig;
import io.auditdrain.receiver.local.LocalServer;
import io.auditdrain.testing.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The whole chain on loopback, as scripts/stack runs it: PostgreSQL 15 with the repository's db/migrations
 * (statement logging for raptor_app), the Logplex emulator following its csvlog, the receiver's local server with
 * the directory store. Everything is started here and stopped by {@link #close()}.
 */
final class DrainChain implements AutoCloseable {

    static final String APP = "local-app";
    static final String DATABASE = "auditdrain";
    static final String APP_ROLE = "raptor_app";

    private final Path dir;
    private final PostgresServer postgres;
    private final String appPassword;
    private final Receiver receiver;
    private final ByteArrayOutputStream receiverLog = new ByteArrayOutputStream();
    private final List<DeliveryEvent> deliveries = new CopyOnWriteArrayList<>();
    private final List<String> emulatorLog = new CopyOnWriteArrayList<>();
    private LocalServer server;
    private final int port;
    private final LogplexEmulator emulator;

    private DrainChain(Path dir) throws IOException {
        this.dir = dir;
        this.postgres = PostgresServer.start(Map.of("log_timezone", "'UTC'"));
        this.appPassword = randomSecret(18);
        postgres.psql("postgres", "CREATE DATABASE " + DATABASE);
        // The role gets its password before migration 005 turns statement logging on: a logged ALTER ROLE ...
        // PASSWORD would carry the password into the drain. Migration 001 leaves an existing role as it is.
        postgres.psql(DATABASE, "CREATE ROLE " + APP_ROLE + " LOGIN PASSWORD '" + appPassword + "'");
        for (Path migration : migrations()) {
            postgres.psql(DATABASE, Files.readString(migration));
        }

        // scripts/stack creates it too: the verifier takes a missing store directory for a wrong --store.
        Files.createDirectories(store());
        String secret = randomSecret(32);
        Path credentials = dir.resolve("credentials.properties");
        Files.writeString(credentials, APP + "=" + secret + "\n");
        this.receiver = Receiver.create(ReceiverConfig.fromEnvironment(Map.of(
                "AUDITDRAIN_STORE", "file:" + store(), "AUDITDRAIN_CREDENTIALS", "file:" + credentials)),
                new PrintStream(receiverLog, true, UTF_8));
        this.server = LocalServer.start(receiver.handler(), "127.0.0.1", 0, 4);
        this.port = server.port();

        String drainUrl = "http://" + APP + ":" + secret + "@127.0.0.1:" + port + "/logs";
        this.emulator = LogplexEmulator.start(EmulatorSettings.defaults(postgres.csvLog(), drainUrl),
                deliveries::add, emulatorLog::add);
    }

    /**
     * Starts the chain and waits until the emulator has delivered the server's first log lines (start-up and
     * migrations), so that every test starts from a chain that is known to flow.
     */
    static DrainChain start(Path dir) throws IOException, InterruptedException {
        DrainChain chain = new DrainChain(dir);
        try {
            chain.awaitDelivery(e -> e.outcome() == DeliveryEvent.Outcome.DELIVERED, Duration.ofSeconds(30));
        } catch (AssertionError | InterruptedException e) {
            chain.close();
            throw e;
        }
        return chain;
    }

    Path store() {
        return dir.resolve("store");
    }

    /** The verifier's environment: the restricted role's own URL, Heroku style. */
    Map<String, String> verifierEnvironment() {
        return Map.of("AUDITDRAIN_APP_DATABASE_URL", postgres.herokuUrl(APP_ROLE, appPassword, DATABASE));
    }

    /** {@code smoke} against this chain, with short polls. */
    VerifierRun smoke(String timeout) {
        return VerifierRun.run(verifierEnvironment(), "smoke", "--app", APP, "--store", "file:" + store(),
                "--timeout", timeout, "--interval", "200ms");
    }

    /** Runs SQL as the superuser in the application database. */
    String sql(String sql) {
        return postgres.psql(DATABASE, sql);
    }

    /** Stops the receiver's listener; the emulator's requests are refused until {@link #restartReceiver()}. */
    void stopReceiver() {
        server.close();
    }

    /** Listens again on the same port, with the same receiver behind it. */
    void restartReceiver() throws IOException {
        server = LocalServer.start(receiver.handler(), "127.0.0.1", port, 4);
    }

    List<DeliveryEvent> deliveries() {
        return deliveries;
    }

    /** Waits for a delivery attempt that matches; fails after {@code limit}. */
    DeliveryEvent awaitDelivery(Predicate<DeliveryEvent> match, Duration limit) throws InterruptedException {
        return awaitDelivery(match, limit, () -> false);
    }

    /** As {@link #awaitDelivery(Predicate, Duration)}, giving up early once {@code hopeless} says so. */
    DeliveryEvent awaitDelivery(Predicate<DeliveryEvent> match, Duration limit, BooleanSupplier hopeless)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline && !hopeless.getAsBoolean()) {
            for (DeliveryEvent e : deliveries) {
                if (match.test(e)) {
                    return e;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no such delivery attempt (waited up to " + limit + "); attempts: " + deliveries
                + "\nemulator log: " + emulatorLog);
    }

    /** What the emulator and the receiver logged, for failure messages. */
    String logs() {
        return "emulator:\n  " + String.join("\n  ", emulatorLog) + "\nreceiver:\n" + receiverLog.toString(UTF_8);
    }

    /** The receiver's request log (one JSON line per request). */
    String receiverLog() {
        return receiverLog.toString(UTF_8);
    }

    @Override
    public void close() {
        emulator.close();
        server.close();
        receiver.close();
        postgres.close();
    }

    /** {@code db/migrations/*.sql} of this repository, in order, applied as an operator would (psql, superuser). */
    static List<Path> migrations() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isDirectory(root.resolve("db/migrations"))) {
            root = root.getParent();
        }
        if (root == null) {
            throw new UncheckedIOException(new IOException("no db/migrations above " + Path.of("").toAbsolutePath()));
        }
        try (Stream<Path> files = Files.list(root.resolve("db/migrations"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".sql")).sorted().toList();
        }
    }

    private static String randomSecret(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
