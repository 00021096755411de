package io.auditdrain.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class TestInfrastructureIT {

    @Test
    void postgres_cluster_starts_answers_sql_and_writes_a_csv_log() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            assertEquals("15", pg.psql("postgres", "SHOW server_version_num").strip().substring(0, 2));
            pg.psql("postgres", "CREATE TABLE t (x int); INSERT INTO t VALUES (1)");
            assertTrue(Files.exists(pg.csvLog()), "csvlog at " + pg.csvLog());
        }
    }

    @Test
    void emulator_answers_and_resets() throws Exception {
        AwsEmulator emulator = AwsEmulator.shared();
        emulator.reset();
        URI endpoint = emulator.endpoint();
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(endpoint.resolve("/")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
    }

    @Test
    void fixtures_read_bodies_and_request_headers() {
        assertEquals(730, LogplexFixtures.body("logplex-readme-http-drain-request.txt").length);
        assertEquals("09C557EAFCFB6CF2740EE62F62971098",
                LogplexFixtures.headers("logplex-readme-http-drain-request.txt").get("Logplex-Frame-Id"));
        assertTrue(LogplexFixtures.headers("devcenter-log-drains-https-example-body.txt").isEmpty());
    }
}
