package io.auditdrain.receiver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.StoreLocation;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReceiverConfigTest {

    @Test
    void minimal_local_configuration_takes_the_documented_defaults() {
        ReceiverConfig config = ReceiverConfig.fromEnvironment(Map.of(
                "AUDITDRAIN_STORE", "file:/tmp/drained",
                "AUDITDRAIN_CREDENTIALS", "file:/tmp/creds.properties"));
        assertEquals(new StoreLocation.Directory(Path.of("/tmp/drained")), config.store());
        assertEquals(new CredentialsLocation.PropertiesFile(Path.of("/tmp/creds.properties")), config.credentials());
        assertEquals(Duration.ofSeconds(60), config.credentialsTtl());
        assertEquals(6, config.gzipLevel());
        assertEquals("/health", config.healthPath());
        assertEquals("AuditDrain", config.metricsNamespace());
        assertEquals(8080, config.port());
        assertEquals("127.0.0.1", config.bindAddress());
        assertEquals(32, config.workers());
        assertTrue(config.endpoint().isEmpty());
    }

    @Test
    void lambda_configuration_reads_bucket_ssm_prefix_region_and_endpoint() {
        ReceiverConfig config = ReceiverConfig.fromEnvironment(Map.of(
                "AUDITDRAIN_STORE", "s3://raxx-heroku-logs-prod",
                "AUDITDRAIN_CREDENTIALS", "ssm:/auditdrain/apps/",
                "AUDITDRAIN_CREDENTIALS_TTL_SECONDS", "30",
                "AUDITDRAIN_GZIP_LEVEL", "4",
                "AWS_REGION", "eu-west-1",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:5000"));
        assertEquals(new StoreLocation.S3Bucket("raxx-heroku-logs-prod"), config.store());
        assertEquals(new CredentialsLocation.Ssm("/auditdrain/apps"), config.credentials());
        assertEquals(Duration.ofSeconds(30), config.credentialsTtl());
        assertEquals(4, config.gzipLevel());
        assertEquals("eu-west-1", config.region().orElseThrow());
        assertEquals(URI.create("http://127.0.0.1:5000"), config.endpoint().orElseThrow());
    }

    @Test
    void every_problem_is_reported_at_once() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> ReceiverConfig.fromEnvironment(Map.of(
                "AUDITDRAIN_CREDENTIALS", "vault:/x",
                "AUDITDRAIN_CREDENTIALS_TTL_SECONDS", "0",
                "AUDITDRAIN_GZIP_LEVEL", "fast",
                "AUDITDRAIN_PORT", "70000",
                "AUDITDRAIN_WORKERS", "0",
                "AUDITDRAIN_HEALTH_PATH", "health",
                "AWS_ENDPOINT_URL", "localhost:5000")));
        String all = String.join("\n", e.problems());
        assertEquals(8, e.problems().size(), all);
        for (String name : new String[] {"AUDITDRAIN_STORE", "AUDITDRAIN_CREDENTIALS:", "TTL_SECONDS",
            "GZIP_LEVEL", "AUDITDRAIN_PORT", "AUDITDRAIN_WORKERS", "HEALTH_PATH", "AWS_ENDPOINT_URL"}) {
            assertTrue(all.contains(name), name + " missing from: " + all);
        }
    }

    @Test
    void aws_backed_store_or_credentials_without_a_region_fails_closed() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> ReceiverConfig.fromEnvironment(Map.of(
                "AUDITDRAIN_STORE", "file:/tmp/x",
                "AUDITDRAIN_CREDENTIALS", "ssm:/auditdrain/apps")));
        assertEquals(1, e.problems().size());
        assertTrue(e.problems().get(0).contains("AWS_REGION"));
    }

    @Test
    void an_ssm_prefix_must_be_a_parameter_path() {
        assertThrows(ConfigurationException.class, () -> ReceiverConfig.fromEnvironment(Map.of(
                "AUDITDRAIN_STORE", "file:/tmp/x", "AUDITDRAIN_CREDENTIALS", "ssm:apps",
                "AWS_REGION", "us-east-1")));
    }
}
