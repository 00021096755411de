package io.auditdrain.bench;

import io.auditdrain.testing.PostgresServer;
import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.cli.DoctorCommand;
import io.auditdrain.verifier.cli.VerifierCli;
import io.auditdrain.verifier.db.DatabaseUrl;
import io.auditdrain.verifier.db.RoleSession;
import io.auditdrain.verifier.db.SqlIdentifier;
import io.auditdrain.verifier.doctor.AuditObjects;
import io.auditdrain.verifier.doctor.Check;
import io.auditdrain.verifier.doctor.CheckResult;
import io.auditdrain.verifier.doctor.DoctorContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How long a full doctor run takes on the reference schema ({@code db/migrations/} on a throwaway PostgreSQL 15, the
 * role's own URL, no store: the bucket, drain and writers checks skip, as they measure S3, not the database), and
 * what the capture probe adds: each check timed on the same session, the probe against the catalog checks of the
 * same run. Then the same with {@code users_history} holding N rows, to show the probe's reads stay on the table's
 * last pages rather than scanning it. Medians of several runs.
 * Run (from the repository root): java -cp bench.jar io.auditdrain.bench.DoctorCost [runs] [historyRows]
 * (default 7 1000000)
 */
public final class DoctorCost {

    private DoctorCost() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        long rows = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        try (PostgresServer server = PostgresServer.start()) {
            server.psql("postgres", "CREATE DATABASE auditdrain");
            List<Path> migrations;
            try (Stream<Path> files = Files.list(Path.of("db", "migrations"))) {
                migrations = files.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
            }
            for (Path m : migrations) {
                server.psql("auditdrain", Files.readString(m));
            }
            byte[] secret = new byte[18];
            new SecureRandom().nextBytes(secret);
            String password = HexFormat.of().formatHex(secret);
            server.psql("auditdrain", "SET log_statement = 'none'", "ALTER ROLE raptor_app PASSWORD '" + password
                    + "'");
            String url = server.herokuUrl("raptor_app", password, "auditdrain");

            System.out.printf("doctor on the reference schema (db/migrations), PostgreSQL on loopback, role's own URL,"
                    + " no store; median of %d runs%n", runs);
            measure(url, runs, "empty history tables");
            server.psql("auditdrain", "SET log_statement = 'none'", "INSERT INTO users_history (operation, row_data)"
                    + " SELECT 'INSERT', jsonb_build_object('id', n, 'email', 'user' || n || '@example.invalid',"
                    + " 'email_verified_at', NULL) FROM generate_series(1, " + rows + ") n", "VACUUM ANALYZE users_history");
            String size = server.psql("auditdrain", "SELECT pg_size_pretty(pg_relation_size('users_history'))")
                    .strip();
            measure(url, runs, String.format("users_history holding %,d rows (%s)", rows, size));
            // What reading the whole table for the probe's own rows would cost (its fallback when they are not on
            // the last pages): the read the probe avoids three times per source table.
            double[] scans = new double[runs];
            try (Connection c = DriverManager.getConnection(server.jdbcUrl("auditdrain"), PostgresServer.SUPERUSER,
                    server.superuserPassword()); Statement st = c.createStatement()) {
                for (int i = 0; i < runs; i++) {
                    long start = System.nanoTime();
                    st.executeQuery("SELECT count(*) FROM users_history h WHERE age(h.xmin) <= 0").close();
                    scans[i] = (System.nanoTime() - start) / 1e6;
                }
            }
            System.out.printf("  for comparison: one read of all of users_history     %8.1f ms%n", median(scans));
        }
    }

    private static void measure(String url, int runs, String label) throws Exception {
        Map<String, String> env = Map.of("AUDITDRAIN_APP_DATABASE_URL", url);
        // Warm-up: JIT, the driver, the server's caches.
        for (int i = 0; i < 5; i++) {
            run(env);
            timeChecks(url);
        }
        double[] cli = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            int code = run(env);
            cli[i] = (System.nanoTime() - start) / 1e6;
            if (code != 0) {
                throw new IllegalStateException("doctor did not pass on the reference schema (exit " + code + ")");
            }
        }
        // Each check's median over sessions of its own.
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        for (int i = 0; i < runs; i++) {
            timeChecks(url).forEach((name, ms) -> samples.computeIfAbsent(name, k -> new ArrayList<>()).add(ms));
        }
        double probe = median(samples.remove("capture-probe"));
        double catalog = 0;
        for (Map.Entry<String, List<Double>> e : samples.entrySet()) {
            catalog += median(e.getValue());
        }
        System.out.printf("%s:%n", label);
        System.out.printf("  full doctor (connect, discover, 26 checks, report)  %8.1f ms%n", median(cli));
        System.out.printf("  capture-probe                                       %8.1f ms%n", probe);
        System.out.printf("  the other checks together (catalog; S3 ones skip)   %8.1f ms%n", catalog);
        System.out.printf("  probe / catalog checks                              %8.2f%n", probe / catalog);
    }

    private static int run(Map<String, String> env) {
        StringWriter out = new StringWriter();
        return VerifierCli.execute(new Environment(env), Clock.systemUTC(), new PrintWriter(out),
                new PrintWriter(new StringWriter()), "doctor", "--json");
    }

    /** Each check's wall time on one session, as DoctorCommand runs them. */
    private static Map<String, Double> timeChecks(String url) throws Exception {
        Map<String, Double> times = new LinkedHashMap<>();
        try (RoleSession session = RoleSession.open(DatabaseUrl.parse(url, "AUDITDRAIN_APP_DATABASE_URL", null),
                null)) {
            RoleSession.SearchPath path = session.pinSearchPath();
            SqlIdentifier role = SqlIdentifier.role(session.sessionUser());
            AuditObjects audit = AuditObjects.discover(session.connection(), role.name(), new AuditObjects.Named(
                    List.of(), List.of(), List.of(SqlIdentifier.of("alembic_version")),
                    SqlIdentifier.of("customer_audit_events")));
            DoctorContext ctx = new DoctorContext(session, path, role, true, audit, List.of(), Map.of(),
                    Optional.empty(), Optional.empty(), Optional.empty(), 90, Duration.ofMinutes(15), List.of(),
                    Duration.ofHours(24), Clock.systemUTC());
            for (Check check : DoctorCommand.checks()) {
                long start = System.nanoTime();
                CheckResult r = check.run(ctx);
                times.put(check.name(), (System.nanoTime() - start) / 1e6);
                if (r.name().equals("capture-probe") && !r.verdict().name().equals("PASS")) {
                    throw new IllegalStateException("the probe did not pass: " + r.detail());
                }
            }
        }
        return times;
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        return median(v);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
