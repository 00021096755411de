package io.auditdrain.emulator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class EmulatorCliTest {

    private static final String SECRET = "dGhlLWRyYWluLXNlY3JldC0wMTIzNDU2Nzg5MDEyMzQ1";

    @Test
    void help_lists_the_options_and_says_where_the_drain_url_goes() {
        CliRun run = CliRun.run(Map.of(), new CountDownLatch(0), "--help").assertExitCode(0);
        for (String option : new String[] {"--csvlog", "--drain-url", "--attachment", "--flush-interval",
                "--retry-backoff", "--chunk-bytes", "--buffer-lines", "LOGPLEX_DRAIN_URL"}) {
            assertTrue(run.out().contains(option), option + " in:\n" + run.out());
        }
    }

    @Test
    void without_a_drain_url_it_exits_2_and_names_the_variable() {
        CliRun run = CliRun.run(Map.of(), new CountDownLatch(0), "--csvlog", "/nonexistent.csv").assertExitCode(2);
        assertTrue(run.err().contains("LOGPLEX_DRAIN_URL"), run.err());
    }

    @Test
    void a_bad_setting_exits_2_with_every_problem_and_never_the_secret() {
        CliRun run = CliRun.run(Map.of("LOGPLEX_DRAIN_URL", "ftp://app:" + SECRET + "@host/logs"),
                new CountDownLatch(0), "--csvlog", "/x.csv", "--attachment", "lower", "--buffer-lines", "0")
                .assertExitCode(2);
        assertTrue(run.err().contains("http:// or https://"), run.err());
        assertTrue(run.err().contains("attachment"), run.err());
        assertTrue(run.err().contains("buffer"), run.err());
        assertFalse(run.err().contains(SECRET) || run.out().contains(SECRET));
    }

    @Test
    void a_duration_that_does_not_parse_is_a_usage_error() {
        CliRun run = CliRun.run(Map.of("LOGPLEX_DRAIN_URL", "http://a:b@localhost/logs"), new CountDownLatch(0),
                "--csvlog", "/x.csv", "--flush-interval", "soon").assertExitCode(2);
        assertTrue(run.err().contains("not a duration"), run.err());
    }
}
