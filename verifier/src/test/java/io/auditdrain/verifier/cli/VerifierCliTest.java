package io.auditdrain.verifier.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.verifier.Durations;
import io.auditdrain.verifier.JsonOutput;
import io.auditdrain.verifier.testsupport.VerifierRun;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CLI's contract without any server: help, usage errors, configuration errors and their exit codes. */
class VerifierCliTest {

    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void help_answers_with_both_commands_and_exit_codes() {
        VerifierRun run = VerifierRun.run(NO_ENV, "--help").assertExit(0);
        assertTrue(run.out().contains("smoke") && run.out().contains("doctor"), run.output());
        assertTrue(run.out().contains("Exit status: 0 pass, 1"), run.output());
    }

    @Test
    void each_command_has_help_that_names_its_environment_variables() {
        VerifierRun smoke = VerifierRun.run(NO_ENV, "smoke", "--help").assertExit(0);
        for (String text : List.of("--timeout", "--statement", "{tag}", "AUDITDRAIN_APP_DATABASE_URL", "DATABASE_URL",
                "AUDITDRAIN_STORE", "--set-role", "Examples:")) {
            assertTrue(smoke.out().contains(text), text + " in\n" + smoke.output());
        }
        VerifierRun doctor = VerifierRun.run(NO_ENV, "help", "doctor").assertExit(0);
        for (String text : List.of("--audit-tables", "*_history", "--probe-value", "AUDITDRAIN_PROBE_VALUES",
                "AUDITDRAIN_TABLE", "capture probe")) {
            assertTrue(doctor.out().contains(text), text + " in\n" + doctor.output());
        }
    }

    @Test
    void no_command_is_a_usage_error() {
        VerifierRun run = VerifierRun.run(NO_ENV).assertExit(2);
        assertTrue(run.err().contains("choose a command"), run.output());
    }

    @Test
    void an_unknown_option_is_a_usage_error() {
        VerifierRun run = VerifierRun.run(NO_ENV, "smoke", "--password", "hunter2").assertExit(2);
        assertTrue(run.err().contains("Unknown option"), run.output());
    }

    @Test
    void an_unknown_command_is_a_usage_error_even_with_help() {
        for (List<String> args : List.of(List.of("smok"), List.of("smok", "--help"), List.of("--help", "smok"),
                List.of("smoke", "extra", "--help"))) {
            VerifierRun run = VerifierRun.run(NO_ENV, args.toArray(String[]::new)).assertExit(2);
            assertTrue(run.err().contains("Unmatched argument"), args + ": " + run.output());
        }
        VerifierRun suggestion = VerifierRun.run(NO_ENV, "smok", "--help").assertExit(2);
        assertTrue(suggestion.err().contains("smoke"), "suggests the command meant: " + suggestion.output());
    }

    @Test
    void a_missing_database_url_is_a_configuration_error_naming_the_variable() {
        VerifierRun run = VerifierRun.run(NO_ENV, "smoke", "--app", "my-app", "--store", "file:/tmp/x").assertExit(2);
        assertTrue(run.err().startsWith("error: environment variable AUDITDRAIN_APP_DATABASE_URL is not set"),
                run.output());
        assertEquals(1, run.err().strip().lines().count(), "one line: " + run.output());
    }

    @Test
    void set_role_reads_the_owner_url_from_database_url() {
        VerifierRun run = VerifierRun.run(NO_ENV, "doctor", "--set-role", "raptor_app").assertExit(2);
        assertTrue(run.err().contains("environment variable DATABASE_URL is not set"), run.output());
    }

    @Test
    void options_default_from_the_environment() {
        Map<String, String> env = Map.of("AUDITDRAIN_APP", "Not_An_App", "AUDITDRAIN_STORE", "file:/tmp/x");
        VerifierRun run = VerifierRun.run(env, "smoke").assertExit(2);
        assertTrue(run.err().contains("--app must be a Heroku app name"), run.output());
    }

    @Test
    void invalid_app_store_and_table_are_refused_before_anything_runs() {
        assertTrue(VerifierRun.run(NO_ENV, "smoke", "--app", "../etc", "--store", "file:/tmp/x").assertExit(2).err()
                .contains("--app"));
        assertTrue(VerifierRun.run(NO_ENV, "smoke", "--app", "my-app", "--store", "ftp://x").assertExit(2).err()
                .contains("s3://"));
        assertTrue(VerifierRun.run(NO_ENV, "smoke", "--app", "my-app", "--store", "file:/tmp/x", "--table",
                "t; DROP TABLE x").assertExit(2).err().contains("not a valid"));
        assertTrue(VerifierRun.run(NO_ENV, "smoke", "--app", "my-app", "--store", "file:/tmp/x", "--timeout",
                "soon").assertExit(2).err().contains("is not a duration"));
    }

    @Test
    void a_weak_sslmode_for_a_remote_database_is_refused_without_showing_the_password() {
        Map<String, String> env = Map.of("AUDITDRAIN_APP_DATABASE_URL",
                "postgres://raptor_app:topsecret99@db.example.com:5432/d?sslmode=disable");
        VerifierRun run = VerifierRun.run(env, "smoke", "--app", "my-app", "--store", "file:/tmp/x").assertExit(2);
        assertTrue(run.err().contains("TLS is required"), run.output());
        assertFalse(run.output().contains("topsecret99"), run.output());
    }

    @Test
    void json_mode_reports_a_configuration_error_as_a_json_document() {
        VerifierRun run = VerifierRun.run(NO_ENV, "doctor", "--json").assertExit(2);
        assertEquals("ERROR", run.json().get("result").asText());
        assertEquals("doctor", run.json().get("command").asText());
        assertTrue(run.json().get("error").asText().contains("AUDITDRAIN_APP_DATABASE_URL"), run.output());
    }

    @Test
    void durations_read_the_short_forms_and_iso() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofSeconds(45), Durations.parse("45"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("PT2M"));
        assertEquals("2m", Durations.format(Duration.ofMinutes(2)));
        assertEquals("1.5s", Durations.format(Duration.ofMillis(1500)));
    }

    @Test
    void json_output_escapes_what_json_requires() {
        Map<String, Object> doc = new java.util.LinkedHashMap<>();
        doc.put("a", "x\"y\\z\n\t\u0001");
        doc.put("n", java.util.Arrays.asList(1, true, null));
        doc.put("t", Instant.EPOCH);
        assertEquals("{\"a\":\"x\\\"y\\\\z\\n\\t\\u0001\",\"n\":[1,true,null],\"t\":\"1970-01-01T00:00:00Z\"}",
                JsonOutput.write(doc));
    }

    @Test
    void attest_explains_itself_and_refuses_to_start_without_the_digests_key() {
        VerifierRun help = VerifierRun.run(NO_ENV, "attest", "--help").assertExit(0);
        for (String text : List.of("--from", "--interval", "--public-key", "--access-matrix", "--rotations", "--pdf",
                "--chromium", "AUDITDRAIN_CHROMIUM", "Exit status: 0 the period has no exception")) {
            assertTrue(help.out().contains(text), text + " in\n" + help.output());
        }
        VerifierRun noKey = VerifierRun.run(NO_ENV, "attest", "--app", "my-app", "--store", "file:/nonexistent",
                "--from", "2026-01-01", "--to", "2026-04-01", "--json").assertExit(2);
        assertTrue(noKey.err().contains("give the digests' key"), noKey.output());
        assertEquals("attest", noKey.json().get("command").asText());
        VerifierRun badInterval = VerifierRun.run(NO_ENV, "attest", "--app", "my-app", "--store", "file:/x",
                "--from", "2026-01-01", "--to", "2026-04-01", "--interval", "30s").assertExit(2);
        assertTrue(badInterval.err().contains("--interval must be at least 1m"), badInterval.output());
        VerifierRun empty = VerifierRun.run(NO_ENV, "attest", "--app", "my-app", "--store", "file:/x",
                "--from", "2026-04-01", "--to", "2026-01-01").assertExit(2);
        assertTrue(empty.err().contains("must be before --to"), empty.output());
    }
}
