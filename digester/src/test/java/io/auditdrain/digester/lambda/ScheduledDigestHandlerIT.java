package io.auditdrain.digester.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.digester.DigesterConfig;
import io.auditdrain.testing.lambda.InvocationContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Lambda handler in-process, configured from the environment Terraform gives it and fed an EventBridge scheduled
 * event, against moto's S3 and KMS.
 */
class ScheduledDigestHandlerIT {

    private static final String EVENT = "{\"version\":\"0\",\"id\":\"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa\","
            + "\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"account\":\"123456789012\","
            + "\"time\":\"2026-03-14T12:05:00Z\",\"region\":\"us-east-1\",\"resources\":"
            + "[\"arn:aws:events:us-east-1:123456789012:rule/auditdrain-digests\"],\"detail\":{}}";

    private io.auditdrain.digester.TestArchive archive;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() {
        archive = new io.auditdrain.digester.TestArchive();
    }

    @AfterEach
    void tearDown() {
        archive.close();
    }

    @Test
    void a_scheduled_event_closes_the_due_hours_and_logs_one_line_naming_them() throws Exception {
        Map<String, String> env = new HashMap<>(archive.environment());
        env.put("AUDITDRAIN_DIGEST_APPS", "acme-api");
        ScheduledDigestHandler handler = new ScheduledDigestHandler(DigesterConfig.fromEnvironment(env),
                new PrintStream(log, true, UTF_8), Clock.fixed(Instant.parse("2026-03-14T12:15:00Z"), ZoneOffset.UTC));
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        handler.handleRequest(new ByteArrayInputStream(EVENT.getBytes(UTF_8)), output,
                InvocationContext.of("auditdrain-digester", Duration.ofMinutes(5)));

        String line = log.toString(UTF_8).strip();
        assertEquals(line, output.toString(UTF_8));
        assertTrue(line.startsWith("{\"level\":\"INFO\",\"event\":\"digest_run\""), line);
        assertTrue(line.contains("\"written\":[\"digests/acme-api/2026/03/14/1100.jsonl\"]"), line);
        assertEquals(1, archive.digests("acme-api").size());
    }

    @Test
    void with_too_little_time_left_nothing_is_started_and_the_app_is_reported_behind() throws Exception {
        Map<String, String> env = new HashMap<>(archive.environment());
        env.put("AUDITDRAIN_DIGEST_APPS", "acme-api");
        ScheduledDigestHandler handler = new ScheduledDigestHandler(DigesterConfig.fromEnvironment(env),
                new PrintStream(log, true, UTF_8), Clock.fixed(Instant.parse("2026-03-14T12:15:00Z"), ZoneOffset.UTC));

        handler.handleRequest(new ByteArrayInputStream(EVENT.getBytes(UTF_8)), new ByteArrayOutputStream(),
                InvocationContext.of("auditdrain-digester", Duration.ofSeconds(30)));

        assertTrue(log.toString(UTF_8).contains("\"behind\":true"), log.toString(UTF_8));
        assertEquals(0, archive.digests("acme-api").size());
    }

    @Test
    void a_run_that_cannot_sign_fails_the_invocation_after_logging_why() {
        Map<String, String> env = new HashMap<>(archive.environment());
        env.put("AUDITDRAIN_DIGEST_APPS", "acme-api");
        env.put("AUDITDRAIN_DIGEST_KEY_ID", "alias/no-such-key");
        ScheduledDigestHandler handler = new ScheduledDigestHandler(DigesterConfig.fromEnvironment(env),
                new PrintStream(log, true, UTF_8), Clock.fixed(Instant.parse("2026-03-14T12:15:00Z"), ZoneOffset.UTC));

        assertThrows(ScheduledDigestHandler.DigestRunFailedException.class, () -> handler.handleRequest(
                new ByteArrayInputStream(EVENT.getBytes(UTF_8)), new ByteArrayOutputStream(),
                InvocationContext.of("auditdrain-digester", Duration.ofMinutes(5))));

        String line = log.toString(UTF_8);
        assertTrue(line.startsWith("{\"level\":\"ERROR\""), line);
        assertTrue(line.contains("\"app\":\"acme-api\"") && line.contains("\"error\":"), line);
        assertEquals(0, archive.digests("acme-api").size());
    }
}
