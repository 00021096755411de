package io.auditdrain.verifier.proof;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The run record's stored format (docs/proof-records.md), read from the documented examples and written back. */
class ProofRecordJsonTest {

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = ProofRecordJsonTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void the_documented_passed_run_reads_with_its_tracer_object_and_latency() throws IOException {
        ProofRecord r = ProofRecordJson.parse(fixture("passed-run.json"));
        assertEquals("acme-api-prod", r.app());
        assertEquals(Instant.parse("2026-03-14T10:15:00.042Z"), r.startedAt());
        assertEquals("PASS", r.result());
        assertEquals(30488L, r.smoke().latencyMs());
        assertEquals("logs/acme-api-prod/2026/03/14/1773483301000-3f2a7c1e-9b4d-4e21-8a6f-0c5d2e7b9a10.gz",
                r.smoke().objectKey());
        assertEquals(3, r.doctor().checks().size());
        assertEquals(List.of(), r.failingChecks());
    }

    @Test
    void a_failed_run_names_smoke_and_each_failed_check_but_not_a_warning() throws IOException {
        ProofRecord r = ProofRecordJson.parse(fixture("failed-run.json"));
        assertEquals("FAIL", r.result());
        assertEquals(List.of("smoke", "statement-logging"), r.failingChecks());
        assertEquals("the tracer was not found within 2m", r.smoke().reason());
        assertNull(r.smoke().latencyMs());
    }

    @Test
    void a_record_written_and_read_back_is_the_same_record_on_one_line() throws IOException {
        for (String name : List.of("passed-run.json", "failed-run.json")) {
            byte[] stored = fixture(name);
            ProofRecord r = ProofRecordJson.parse(stored);
            byte[] written = ProofRecordJson.write(r);
            assertEquals(r, ProofRecordJson.parse(written));
            assertArrayEquals(stored, written, name + ": the documented example is byte for byte what is written");
            String text = new String(written, StandardCharsets.UTF_8);
            assertTrue(text.startsWith("{\"format\":1,") && text.endsWith("}\n") && text.indexOf('\n') == text.length() - 1,
                    text);
        }
    }

    @Test
    void a_run_that_could_not_reach_the_database_is_a_failure_of_smoke_and_doctor_with_its_error() {
        ProofRecord r = new ProofRecord("acme-api-prod", java.util.UUID.randomUUID(), Instant.EPOCH, Instant.EPOCH,
                "0.1.0", ProofRecord.Smoke.notRun("could not connect"), new ProofRecord.Doctor("ERROR", List.of()),
                "smoke: could not connect; doctor: could not connect");
        assertEquals(List.of("smoke", "doctor"), r.failingChecks());
        assertEquals(r, ProofRecordJson.parse(ProofRecordJson.write(r)));
    }

    @Test
    void what_a_record_rests_on_must_be_there_and_agree() throws IOException {
        String passed = new String(fixture("passed-run.json"), StandardCharsets.UTF_8);
        Map<String, String> broken = Map.of(
                "not JSON", "{\"format\":1,",
                "no \"format\"", passed.replace("\"format\":1,", ""),
                "format 2: this verifier reads format 1", passed.replace("\"format\":1", "\"format\":2"),
                "no \"smoke\" object", passed.replace("\"smoke\":", "\"smokes\":"),
                "run_id is not a UUID", passed.replace("0b7d3a52-1f0e-4c8e-9a57-2d4e6f8a1c3b", "run-1"),
                "\"started_at\" is not a UTC time", passed.replace("2026-03-14T10:15:00.042Z", "yesterday"),
                "it states result PASS but smoke was FAIL", passed.replace("{\"result\":\"PASS\",\"tag\"",
                        "{\"result\":\"FAIL\",\"tag\""),
                "not a valid Heroku app name", passed.replace("\"app\":\"acme-api-prod\"", "\"app\":\"../x\""),
                "\"latency_ms\" is not a whole number", passed.replace("30488", "-5"));
        broken.forEach((expected, text) -> {
            MalformedProofRecordException e = assertThrows(MalformedProofRecordException.class,
                    () -> ProofRecordJson.parse(text.getBytes(StandardCharsets.UTF_8)), expected);
            assertTrue(e.getMessage().contains(expected), expected + " in: " + e.getMessage());
        });
    }
}
