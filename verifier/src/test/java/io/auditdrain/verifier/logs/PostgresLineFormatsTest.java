package io.auditdrain.verifier.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.LogplexMessage;
import io.auditdrain.verifier.smoke.TracerSearch;
import io.auditdrain.verifier.store.DirectoryArchiveReader;
import io.auditdrain.verifier.testsupport.DrainedObjects;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every documented Heroku Postgres line format, as Logplex delivers it: the attachment before the {@code [N-M]}
 * sequence (today's), after it, absent, and the 2012 format with a plain {@code postgres} PROCID. Each is joined
 * across chunks and its tracer statement is found, down to the smoke search over an archive.
 */
class PostgresLineFormatsTest {

    private static final String TAG = "pgaudit-smoke-1764151200-formats01";
    private static final String PREFIX = "sql_error_code = 00000 time_ms = \"2026-11-26 10:00:00.000 UTC\" "
            + "pid=\"4242\" user=\"raptor_app\" ";

    /** Where Heroku split the statement: inside the tag, so only the joined chunks hold it. */
    private static final String HEAD = TAG.substring(0, 20);
    private static final String TAIL = TAG.substring(20) + "', 'x')";

    /** Each format's two chunks of one statement. */
    private static final List<List<String>> FORMATS = List.of(
            List.of("<134>1 2026-11-26T10:00:00+00:00 host app postgres.4242 - [DATABASE] [7-1]  " + PREFIX
                            + "LOG:  statement: INSERT INTO customer_audit_events (id, action) VALUES ('" + HEAD,
                    "<134>1 2026-11-26T10:00:00+00:00 host app postgres.4242 - [DATABASE] [7-2] " + TAIL),
            List.of("<134>1 2026-11-26T10:00:00+00:00 host app postgres.4242 - [7-1] [YELLOW]  " + PREFIX
                            + "LOG:  statement: INSERT INTO customer_audit_events (id, action) VALUES ('" + HEAD,
                    "<134>1 2026-11-26T10:00:00+00:00 host app postgres.4242 - [7-2] [YELLOW] " + TAIL),
            List.of("<134>1 2026-11-26T10:00:00+00:00 host app postgres.4242 - [7-1]  " + PREFIX
                            + "LOG:  statement: INSERT INTO customer_audit_events (id, action) VALUES ('" + HEAD,
                    "<134>1 2026-11-26T10:00:00+00:00 host app postgres.4242 - [7-2] " + TAIL),
            List.of("<134>1 2026-11-26T10:00:00+00:00 host app postgres - [7-1] u8akd9ajka [BRONZE] LOG:  duration: "
                            + "0.847 ms  statement: INSERT INTO customer_audit_events (id, action) VALUES ('" + HEAD,
                    "<134>1 2026-11-26T10:00:00+00:00 host app postgres - [7-2] " + TAIL));

    @Test
    void the_2012_example_line_is_a_postgres_chunk_of_its_own() {
        LogplexMessage m = LogplexMessage.parse("<134>1 2012-11-01T17:41:44+00:00 host app postgres - [12-1] "
                + "u8akd9ajka [BRONZE] LOG:  duration: 64.847 ms  statement: SELECT \"articles\".* FROM \"articles\"")
                .orElseThrow();
        assertTrue(PostgresLogChunk.isPostgres(m));
        PostgresLogChunk chunk = PostgresLogChunk.parse(m).orElseThrow();
        assertEquals("postgres", chunk.procId());
        assertEquals(12, chunk.message());
        assertEquals(1, chunk.chunk());
        assertTrue(chunk.text().startsWith("u8akd9ajka [BRONZE] LOG:  duration: 64.847 ms"), chunk.text());
    }

    @Test
    void every_format_is_joined_across_its_chunks_and_matched() {
        for (List<String> format : FORMATS) {
            ChunkJoiner joiner = new ChunkJoiner();
            joiner.accept(LogplexMessage.parse(format.get(0)).orElseThrow());
            LoggedMessage joined = joiner.accept(LogplexMessage.parse(format.get(1)).orElseThrow()).orElseThrow();
            assertEquals(7, joined.message(), format.get(0));
            assertEquals(2, joined.chunks(), format.get(0));
            Optional<StatementMatcher.Match> match = new StatementMatcher("customer_audit_events", TAG).match(joined);
            assertTrue(match.isPresent(), "not matched: " + format);
        }
    }

    @Test
    void smoke_finds_the_tracer_in_every_format(@TempDir Path dir) {
        Instant insert = Instant.parse("2026-11-26T09:59:59Z");
        for (List<String> format : FORMATS) {
            Path archive = dir.resolve("archive-" + FORMATS.indexOf(format));
            DrainedObjects.directory(archive).write("my-app", format);
            TracerSearch search = new TracerSearch(new DirectoryArchiveReader(archive), "my-app",
                    new TracerSearch.Settings(Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(500)),
                    Clock.fixed(Instant.parse("2026-11-26T10:00:05Z"), ZoneOffset.UTC), TracerSearch.Progress.NONE);
            TracerSearch.Found found = assertInstanceOf(TracerSearch.Found.class,
                    search.search(insert, new StatementMatcher("customer_audit_events", TAG)), format.get(0));
            assertEquals(2, found.message().chunks(), format.get(0));
        }
    }
}
