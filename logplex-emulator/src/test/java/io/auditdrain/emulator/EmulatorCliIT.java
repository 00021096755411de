package io.auditdrain.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end: a csvlog file in, Logplex requests out to a real HTTP server, a clean stop. */
class EmulatorCliIT {

    private static final String SECRET = "Y2xpLWl0LXNlY3JldC0wMTIzNDU2Nzg5MDEyMzQ1Njc4OQ";

    @TempDir
    Path dir;

    @Test
    void it_sends_a_whole_csvlog_as_heroku_lines_and_stops_cleanly_without_printing_the_secret() throws Exception {
        Path csv = dir.resolve("postgresql.csv");
        try (InputStream in = getClass().getResourceAsStream("/postgres15-sample.csv")) {
            Files.copy(in, csv);
        }
        try (ScriptedDrain drain = ScriptedDrain.start()) {
            CountDownLatch stop = new CountDownLatch(1);
            CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.run(
                    Map.of("LOGPLEX_DRAIN_URL", drain.url("cli-app", SECRET)), stop,
                    "--csvlog", csv.toString(), "--attachment", "HEROKU_POSTGRESQL_TEAL", "--flush-interval", "50ms"));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (events(drain).size() < 18 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            stop.countDown();
            CliRun result = run.get(20, TimeUnit.SECONDS).assertExitCode(0);

            List<HerokuChunks.Event> events = events(drain);
            assertEquals(18, events.size());
            assertTrue(events.stream().allMatch(e -> e.attachment().equals("HEROKU_POSTGRESQL_TEAL")));
            assertTrue(result.err().contains("posting to http://cli-app:***@127.0.0.1:"), result.err());
            assertTrue(result.err().contains("delivered frame "), result.err());
            assertTrue(result.err().contains("stopped: 18 csvlog records"), result.err());
            assertFalse(result.err().contains(SECRET) || result.out().contains(SECRET));
        }
    }

    private static List<HerokuChunks.Event> events(ScriptedDrain drain) {
        List<String> messages = new ArrayList<>();
        for (ScriptedDrain.Received r : drain.received()) {
            messages.addAll(StoredLines.framesOf(r.body()));
        }
        return HerokuChunks.join(messages);
    }

}
