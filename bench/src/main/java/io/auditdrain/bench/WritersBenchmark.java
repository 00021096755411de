package io.auditdrain.bench;

import io.auditdrain.core.LogplexMessage;
import io.auditdrain.verifier.logs.ChunkJoiner;
import io.auditdrain.verifier.logs.WriteTally;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The doctor's writers check on one drained object's decoded lines (about 100 KB: router lines and Heroku Postgres
 * statements, some split into chunks), against what smoke already does with every line it reads: parse the Logplex
 * message and join Postgres chunks. The ratio says what the check adds per object read, which sizes the scheduled
 * run's window (verifier_writers_window) and memory.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class WritersBenchmark {

    private static final String PREFIX = " sql_error_code = 00000 time_ms = \"%s\" pid=\"%d\" proc_start_time=\"2026-01-01"
            + " 00:00:00 UTC\" session_id=\"6790a3b1.%x\" vtid=\"3/17\" tid=\"0\" log_line=\"%d\" database=\"d1abc\""
            + " connection_source=\"10.0.0.1(40000)\" user=\"%s\" application_name=\"web.1\" ";

    private List<String> lines;
    private int bytes;
    private Instant from;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(42);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        from = now.minusSeconds(3600);
        lines = new ArrayList<>();
        long n = 1;
        while (bytes < 100_000) {
            int pid = 1000 + random.nextInt(40);
            String header = "<134>1 " + now.toString().replace("Z", "+00:00") + " host app postgres." + pid
                    + " - [DATABASE] ";
            String prefix = String.format(PREFIX, now.toString().replace('T', ' ').replace("Z", ".123 UTC"), pid,
                    pid, n, random.nextInt(10) == 0 ? "audit_owner" : "raptor_app");
            String line;
            switch (random.nextInt(4)) {
                case 0 -> line = header + "[" + n + "-1] " + prefix + "LOG:  execute <unnamed>: INSERT INTO"
                        + " customer_audit_events (id, dimension, customer_id, actor_id, actor_type, action, at_utc)"
                        + " VALUES ($1, $2, $3, $4, $5, $6, $7)";
                case 1 -> {
                    add(header + "[" + n + "-1] " + prefix + "LOG:  statement: UPDATE users");
                    line = header + "[" + n + "-2] \tSET email = 'user" + random.nextInt() + "@example.com' WHERE id = "
                            + random.nextInt(100_000);
                }
                case 2 -> line = header + "[" + n + "-1] " + prefix + "LOG:  execute S_3: SELECT id, email FROM users"
                        + " WHERE id = $1";
                default -> line = "<158>1 " + now + " host heroku router - at=info method=GET path=\"/api/v1/items/"
                        + random.nextInt(1000) + "\" host=app.example request_id=" + new java.util.UUID(random.nextLong(),
                        random.nextLong()) + " fwd=\"10.1.2.3\" dyno=web.1 connect=0ms service=12ms status=200"
                        + " bytes=1520 protocol=https";
            }
            add(line);
            n++;
        }
    }

    private void add(String line) {
        lines.add(line);
        bytes += line.length() + 1;
    }

    /** Baseline: what smoke does with each line it reads. */
    @Benchmark
    public void parseAndJoin(Blackhole bh) {
        ChunkJoiner joiner = new ChunkJoiner();
        for (String line : lines) {
            LogplexMessage.parse(line).flatMap(joiner::accept).ifPresent(bh::consume);
        }
    }

    /** The writers check: the same, then each complete statement read and its written tables counted by role. */
    @Benchmark
    public void writersTally(Blackhole bh) {
        WriteTally tally = new WriteTally(List.of(
                new WriteTally.Table("public", "customer_audit_events", "customer_audit_events"),
                new WriteTally.Table("public", "users_history", "users_history")), from, "raptor_app");
        for (String line : lines) {
            LogplexMessage.parse(line).ifPresent(tally::accept);
        }
        tally.finish();
        bh.consume(tally.writers());
    }
}
