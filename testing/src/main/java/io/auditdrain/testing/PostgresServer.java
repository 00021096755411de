package io.auditdrain.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster from the machine's server binaries ({@code initdb}, {@code pg_ctl}): its own
 * directory, a free loopback port, its own socket directory, fsync off, password (SCRAM) authentication over TCP.
 * When this process is root, the cluster runs as the {@code postgres} user, since initdb refuses root.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String SUPERUSER = "postgres";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path root;
    private final Path dataDir;
    private final Path logDir;
    private final int port;
    private final String superuserPassword;
    private final String binDir;
    private final boolean asPostgresUser;

    private PostgresServer(Path root, int port, String superuserPassword, String binDir, boolean asPostgresUser) {
        this.root = root;
        this.dataDir = root.resolve("data");
        this.logDir = root.resolve("log");
        this.port = port;
        this.superuserPassword = superuserPassword;
        this.binDir = binDir;
        this.asPostgresUser = asPostgresUser;
    }

    /** Starts a cluster with default settings. */
    public static PostgresServer start() {
        return start(Map.of());
    }

    /**
     * Starts a cluster with extra server settings ({@code -c name=value}). The server log goes to {@link #logDir()}
     * as csvlog ({@code postgresql.csv}) and plain stderr ({@code postgresql.log}).
     */
    public static PostgresServer start(Map<String, String> settings) {
        String binDir = binDir();
        boolean asPostgres = "root".equals(System.getProperty("user.name"));
        int port = FreePort.find();
        String password = randomPassword();
        try {
            Path root = Files.createTempDirectory("auditdrain-pg-");
            PostgresServer server = new PostgresServer(root, port, password, binDir, asPostgres);
            server.init();
            server.startServer(settings);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String superuserPassword() {
        return superuserPassword;
    }

    /** JDBC URL of a database on this server, without credentials. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Heroku-style URL ({@code postgres://user:pass@host:port/db}). */
    public String herokuUrl(String user, String password, String database) {
        return "postgres://" + user + ":" + password + "@127.0.0.1:" + port + "/" + database;
    }

    /** Where the server writes its log: {@code postgresql.csv} (csvlog) and {@code postgresql.log}. */
    public Path logDir() {
        return logDir;
    }

    public Path csvLog() {
        return logDir.resolve("postgresql.csv");
    }

    /**
     * Runs SQL through psql as the superuser, in one session; returns its output. Fails on the first error. Each
     * argument is sent as a query of its own (psql's {@code -c}), so that a {@code SET} in one applies before the next
     * is parsed and logged.
     */
    public String psql(String database, String... queries) {
        List<String> cmd = new ArrayList<>(List.of(bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At",
                "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", SUPERUSER, "-d", database));
        for (String query : queries) {
            cmd.add("-c");
            cmd.add(query);
        }
        return run(cmd, Map.of("PGPASSWORD", superuserPassword), false);
    }

    /** Stops the server quickly (immediate mode) and deletes its directory. */
    @Override
    public void close() {
        try {
            run(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-m", "immediate", "-w", "stop"), Map.of(), true);
        } catch (RuntimeException e) {
            // already stopped
        }
        deleteTree(root);
    }

    /** Stops and restarts the server with the same data, for tests that change server-wide settings. */
    public void restart() {
        run(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-m", "fast", "-w", "restart"), Map.of(), true);
    }

    private void init() throws IOException {
        Path pwfile = root.resolve("pwfile");
        Files.writeString(pwfile, superuserPassword + "\n");
        Files.createDirectories(logDir);
        Files.createDirectories(root.resolve("socket"));
        if (asPostgresUser) {
            run(List.of("chown", "-R", SUPERUSER + ":", root.toString()), Map.of(), false);
        }
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        if (asPostgresUser) {
            run(List.of("chown", SUPERUSER + ":", root.toString()), Map.of(), false);
        }
        run(List.of(bin("initdb"), "-D", dataDir.toString(), "-U", SUPERUSER, "--pwfile=" + pwfile, "-E", "UTF8",
                "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "--no-instructions"),
                Map.of(), true);
        Files.delete(pwfile);
    }

    private void startServer(Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", "'127.0.0.1'");
        settings.put("port", Integer.toString(port));
        settings.put("unix_socket_directories", "'" + root.resolve("socket") + "'");
        settings.put("fsync", "off");
        settings.put("synchronous_commit", "off");
        settings.put("full_page_writes", "off");
        settings.put("logging_collector", "on");
        settings.put("log_destination", "'csvlog,stderr'");
        settings.put("log_directory", "'" + logDir + "'");
        settings.put("log_filename", "'postgresql'");
        settings.put("log_file_mode", "0644");
        settings.put("log_rotation_age", "0");
        settings.put("log_rotation_size", "0");
        settings.put("shared_buffers", "16MB");
        settings.put("max_connections", "40");
        extra.forEach((k, v) -> settings.put(k, v));
        StringBuilder conf = new StringBuilder("\n# auditdrain test cluster\n");
        settings.forEach((k, v) -> conf.append(k).append(" = ").append(v).append('\n'));
        try {
            Files.writeString(dataDir.resolve("postgresql.auto.conf"), conf.toString(),
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-l", root.resolve("startup.log").toString(),
                "-t", Long.toString(START_TIMEOUT.toSeconds()), "-w", "start"), Map.of(), true);
    }

    /** Runs a command; as the postgres user when {@code asServerUser} and this process is root. */
    private String run(List<String> command, Map<String, String> env, boolean asServerUser) {
        List<String> cmd = new ArrayList<>();
        if (asServerUser && asPostgresUser) {
            cmd.addAll(List.of("runuser", "-u", SUPERUSER, "--"));
        }
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.directory(root.toFile());
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            String text = new String(out, java.nio.charset.StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("failed (" + p.exitValue() + "): " + String.join(" ", command) + "\n"
                        + text + startupLog());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String startupLog() {
        try {
            Path log = root.resolve("startup.log");
            return Files.exists(log) ? "\nstartup log:\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private String bin(String name) {
        return binDir == null ? name : binDir + File.separator + name;
    }

    /** PG_BINDIR, else the newest /usr/lib/postgresql/N/bin, else whatever PATH has. */
    private static String binDir() {
        String configured = System.getenv("PG_BINDIR");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                return versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.comparing(p -> Integer.parseInt(p.getParent().getFileName().toString()
                                .replaceAll("\\D", "0"))))
                        .map(Path::toString)
                        .orElse(null);
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }
}
