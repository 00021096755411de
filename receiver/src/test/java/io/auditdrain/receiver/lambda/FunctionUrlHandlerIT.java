package io.auditdrain.receiver.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.auditdrain.core.GzipDecoder;
import io.auditdrain.core.LineCodec;
import io.auditdrain.receiver.Drains;
import io.auditdrain.receiver.RetriedBatches;
import io.auditdrain.receiver.config.ReceiverConfig;
import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.testing.FreePort;
import io.auditdrain.testing.LogplexFixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.ssm.SsmClient;

/** The Lambda handler fed Function URL events, end to end to a real S3 and SSM API on loopback. */
class FunctionUrlHandlerIT {

    private static final String BUCKET = "drain-test-bucket";
    private static final String SECRET_A = "c2VjcmV0LW9mLWFwcC1hLTEyMzQ1Njc4OTAxMjM0NTY";
    private static final String SECRET_B = "c2VjcmV0LW9mLWFwcC1iLTEyMzQ1Njc4OTAxMjM0NTY";

    private final AwsEmulator emulator = AwsEmulator.shared();
    private final S3Client s3 = Drains.s3(emulator);
    private final SsmClient ssm = Drains.ssm(emulator);
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private FunctionUrlHandler handler;

    @BeforeEach
    void setUp() {
        emulator.reset();
        s3.createBucket(r -> r.bucket(BUCKET));
        s3.putBucketVersioning(r -> r.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
        Drains.putSecret(ssm, "app-a", "secret", SECRET_A);
        Drains.putSecret(ssm, "app-b", "secret", SECRET_B);
        handler = handler(BUCKET, emulator.endpoint().toString(), "1");
    }

    @AfterEach
    void tearDown() {
        s3.close();
        ssm.close();
    }

    private FunctionUrlHandler handler(String bucket, String endpoint, String ttlSeconds) {
        return new FunctionUrlHandler(ReceiverConfig.fromEnvironment(Map.of(
                "AUDITDRAIN_STORE", "s3://" + bucket,
                "AUDITDRAIN_CREDENTIALS", "ssm:" + Drains.PREFIX,
                "AUDITDRAIN_CREDENTIALS_TTL_SECONDS", ttlSeconds,
                "AWS_REGION", AwsEmulator.REGION,
                "AWS_ENDPOINT_URL", endpoint)), Map.of(), new PrintStream(log, true, UTF_8));
    }

    @Test
    void every_fixture_is_stored_in_s3_line_for_line_with_encoding_checksum_and_metadata() throws IOException {
        for (String fixture : LogplexFixtures.NAMES) {
            emulator.reset();
            s3.createBucket(r -> r.bucket(BUCKET));
            Drains.putSecret(ssm, "app-a", "secret", SECRET_A);
            byte[] body = LogplexFixtures.body(fixture);
            Map<String, String> headers = new HashMap<>(LogplexFixtures.headers(fixture));
            headers.put("Authorization", Drains.basic("app-a", SECRET_A));
            assertEquals(200, invoke(event("POST", "/logs", headers, body, true)).status, fixture);

            List<S3Object> objects = s3.listObjectsV2(r -> r.bucket(BUCKET)).contents();
            assertEquals(1, objects.size(), fixture);
            String key = objects.get(0).key();
            assertTrue(key.startsWith("logs/app-a/"), key);
            ResponseBytes<GetObjectResponse> object = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)
                    .checksumMode(ChecksumMode.ENABLED));
            assertEquals(Drains.expectedMessages(body), LineCodec.decodeAllUtf8(GzipDecoder.decode(object.asByteArray())),
                    fixture);
            assertEquals("gzip", object.response().contentEncoding());
            assertEquals("text/plain; charset=utf-8", object.response().contentType());
            assertEquals(crc32c(object.asByteArray()), object.response().checksumCRC32C());
            Map<String, String> metadata = object.response().metadata();
            assertEquals(Integer.toString(Drains.expectedMessages(body).size()), metadata.get("message-count"));
            assertEquals("0", metadata.get("malformed-count"));
            if (headers.containsKey("Logplex-Frame-Id")) {
                assertEquals(headers.get("Logplex-Frame-Id"), metadata.get("frame-id"));
                assertEquals(headers.get("Logplex-Drain-Token"), metadata.get("drain-token"));
            }
        }
    }

    @Test
    void a_retried_frame_id_stores_one_object_and_one_version() throws IOException {
        byte[] body = LogplexFixtures.body("logplex-readme-http-drain-request.txt");
        Map<String, String> headers = new HashMap<>(LogplexFixtures.headers("logplex-readme-http-drain-request.txt"));
        headers.put("Authorization", Drains.basic("app-a", SECRET_A));
        for (int attempt = 0; attempt < 3; attempt++) {
            assertEquals(200, invoke(event("POST", "/logs", headers, body, true)).status);
        }
        assertEquals(1, s3.listObjectVersions(r -> r.bucket(BUCKET)).versions().size());
    }

    @Test
    void a_private_space_request_without_frame_id_or_drain_token_is_stored() throws IOException {
        byte[] body = LogplexFixtures.body("devcenter-log-drains-https-example-body.txt");
        Map<String, String> headers = Map.of("content-type", "application/logplex-1", "user-agent", "Logplex/v123",
                "authorization", Drains.basic("app-a", SECRET_A));
        assertEquals(200, invoke(event("POST", "/logs", headers, body, true)).status);
        assertEquals(200, invoke(event("POST", "/logs", headers, body, true)).status);
        assertEquals(1, s3.listObjectVersions(r -> r.bucket(BUCKET)).versions().size(),
                "a retry without Frame-Id is still recognised by its content");
    }

    @Test
    void retries_of_a_body_without_a_parsable_timestamp_store_one_object_at_epoch_zero() throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            assertEquals(200, invoke(retry(RetriedBatches.undatedBody(), 3)).status);
        }
        List<ObjectVersion> versions = s3.listObjectVersions(r -> r.bucket(BUCKET)).versions();
        assertEquals(1, versions.size(), "one object, one version: " + versions);
        assertTrue(versions.get(0).key().startsWith("logs/app-a/1970/01/01/0000000000000-"), versions.get(0).key());
        RetriedBatches.assertStoredOnce(contents(versions), RetriedBatches.UNDATED);
    }

    @Test
    void a_retry_with_an_l10_notice_in_front_stores_the_notice_and_not_the_batch_again() throws IOException {
        assertEquals(200, invoke(retry(RetriedBatches.batch(), 2)).status);
        assertEquals(200, invoke(retry(RetriedBatches.batchAfterNotice(), 3)).status);
        assertEquals(200, invoke(retry(RetriedBatches.batchAfterNotice(), 3)).status);
        List<ObjectVersion> versions = s3.listObjectVersions(r -> r.bucket(BUCKET)).versions();
        assertEquals(2, versions.size(), "the batch and the notice, one version each: " + versions);
        RetriedBatches.assertStoredOnce(contents(versions), RetriedBatches.batchAndNotice());
    }

    private static byte[] retry(byte[] body, int messages) throws IOException {
        return event("POST", "/logs", RetriedBatches.logplexHeaders(Drains.basic("app-a", SECRET_A), messages), body,
                true);
    }

    private List<byte[]> contents(List<ObjectVersion> versions) {
        return versions.stream().map(v -> s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(v.key())
                .versionId(v.versionId())).asByteArray()).toList();
    }

    @Test
    void app_a_credential_cannot_write_under_app_b() throws IOException {
        byte[] body = LogplexFixtures.body("devcenter-log-drains-https-example-body.txt");
        assertEquals(401, invoke(event("POST", "/logs", Map.of("authorization", Drains.basic("app-b", SECRET_A)),
                body, true)).status);
        assertEquals(0, s3.listObjectsV2(r -> r.bucket(BUCKET)).keyCount());
        assertEquals(200, invoke(event("POST", "/logs", Map.of("authorization", Drains.basic("app-b", SECRET_B)),
                body, true)).status);
        assertTrue(s3.listObjectsV2(r -> r.bucket(BUCKET)).contents().get(0).key().startsWith("logs/app-b/"));
    }

    @Test
    void a_credential_revoked_in_ssm_stops_working_within_the_ttl() throws IOException, InterruptedException {
        byte[] body = LogplexFixtures.body("devcenter-log-drains-https-example-body.txt");
        Map<String, String> headers = Map.of("authorization", Drains.basic("app-a", SECRET_A));
        assertEquals(200, invoke(event("POST", "/logs", headers, body, true)).status);
        ssm.deleteParameter(r -> r.name(Drains.PREFIX + "/app-a/secret"));
        long revoked = System.nanoTime();
        int status = 200;
        while (status == 200 && System.nanoTime() - revoked < 10_000_000_000L) {
            Thread.sleep(100);
            status = invoke(event("POST", "/logs", headers, body, true)).status;
        }
        long millis = (System.nanoTime() - revoked) / 1_000_000;
        assertEquals(401, status);
        assertTrue(millis < 1_000 + 1_500, "revocation took " + millis + " ms with a 1 s TTL");
    }

    @Test
    void during_a_rotation_both_the_new_and_the_previous_secret_work_at_once() throws IOException {
        FunctionUrlHandler longTtl = handler(BUCKET, emulator.endpoint().toString(), "600");
        byte[] body = LogplexFixtures.body("devcenter-log-drains-https-example-body.txt");
        assertEquals(200, invokeOn(longTtl, event("POST", "/logs", Map.of("authorization", Drains.basic("app-a",
                SECRET_A)), body, true)).status);
        String rotated = "cm90YXRlZC1zZWNyZXQtb2YtYXBwLWEtMTIzNDU2Nzg5";
        Drains.putSecret(ssm, "app-a", "secret-previous", SECRET_A);
        Drains.putSecret(ssm, "app-a", "secret", rotated);
        awaitRecheckInterval();
        assertEquals(200, invokeOn(longTtl, event("POST", "/logs", Map.of("authorization", Drains.basic("app-a",
                rotated)), body, true)).status);
        assertEquals(200, invokeOn(longTtl, event("POST", "/logs", Map.of("authorization", Drains.basic("app-a",
                SECRET_A)), body, true)).status);
    }

    @Test
    void storage_failure_answers_503_so_that_logplex_retries() throws IOException {
        FunctionUrlHandler noBucket = handler("no-such-bucket-here", emulator.endpoint().toString(), "60");
        Response response = invokeOn(noBucket, event("POST", "/logs", Map.of("authorization",
                Drains.basic("app-a", SECRET_A)), LogplexFixtures.body("devcenter-log-drains-https-example-body.txt"),
                true));
        assertEquals(503, response.status);
        assertTrue(log.toString(UTF_8).contains("\"Errors\":1"));
    }

    @Test
    void an_unreachable_credential_store_answers_503_and_stores_nothing() throws IOException {
        FunctionUrlHandler unreachable = handler(BUCKET, "http://127.0.0.1:" + FreePort.find(), "60");
        Response response = invokeOn(unreachable, event("POST", "/logs", Map.of("authorization",
                Drains.basic("app-a", SECRET_A)), LogplexFixtures.body("devcenter-log-drains-https-example-body.txt"),
                true));
        assertEquals(503, response.status);
        assertEquals(0, s3.listObjectsV2(r -> r.bucket(BUCKET)).keyCount());
    }

    @Test
    void a_bucket_with_an_object_lock_default_retention_accepts_the_receivers_puts() throws IOException {
        // S3 refuses a PUT into a bucket with a default retention unless it carries Content-MD5 or
        // x-amz-sdk-checksum-algorithm (S3 user guide, Object Lock); moto enforces the same rule.
        String locked = "drain-locked-bucket";
        s3.createBucket(r -> r.bucket(locked).objectLockEnabledForBucket(true));
        s3.putObjectLockConfiguration(r -> r.bucket(locked).objectLockConfiguration(c -> c.objectLockEnabled("Enabled")
                .rule(rule -> rule.defaultRetention(d -> d.mode("GOVERNANCE").days(1)))));
        FunctionUrlHandler lockedHandler = handler(locked, emulator.endpoint().toString(), "60");
        assertEquals(200, invokeOn(lockedHandler, event("POST", "/logs", Map.of("authorization",
                Drains.basic("app-a", SECRET_A)), LogplexFixtures.body("devcenter-log-drains-https-example-body.txt"),
                true)).status, log.toString(UTF_8));
        String key = s3.listObjectsV2(r -> r.bucket(locked)).contents().get(0).key();
        assertEquals("GOVERNANCE", s3.headObject(r -> r.bucket(locked).key(key)).objectLockModeAsString(),
                "the stored object is under the default retention");
    }

    @Test
    void health_answers_200_without_credentials() throws IOException {
        Response response = invoke(event("GET", "/health", Map.of(), new byte[0], false));
        assertEquals(200, response.status);
        assertEquals("ok\n", response.body);
        assertEquals(1, s3.listObjectVersions(r -> r.bucket(BUCKET).prefix("logs/_health/")).versions().size(),
                "the probe writes its one object, in no app's prefix");
        invoke(event("GET", "/health", Map.of(), new byte[0], false));
    }

    @Test
    void health_answers_503_when_a_batch_could_not_be_stored() throws IOException {
        FunctionUrlHandler noBucket = handler("no-such-bucket-here", emulator.endpoint().toString(), "60");
        Response response = invokeOn(noBucket, event("GET", "/health", Map.of(), new byte[0], false));
        assertEquals(503, response.status);
        assertTrue(log.toString(UTF_8).contains("\"event\":\"health_check\""), log.toString(UTF_8));
        assertTrue(log.toString(UTF_8).contains("NoSuchBucket"), log.toString(UTF_8));
    }

    @Test
    void a_body_delivered_as_plain_text_is_stored_too() throws IOException {
        byte[] body = LogplexFixtures.body("vector-heroku_logs-sample-router-body.txt");
        assertEquals(200, invoke(event("POST", "/logs", Map.of("authorization", Drains.basic("app-a", SECRET_A)),
                body, false)).status);
        assertEquals(1, s3.listObjectsV2(r -> r.bucket(BUCKET)).keyCount());
    }

    private static void awaitRecheckInterval() {
        try {
            Thread.sleep(5_100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Response(int status, String body) {
    }

    private Response invoke(byte[] event) throws IOException {
        return invokeOn(handler, event);
    }

    private static Response invokeOn(FunctionUrlHandler target, byte[] event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        target.handleRequest(new ByteArrayInputStream(event), out, null);
        int status = 0;
        String body = null;
        try (JsonParser p = new JsonFactory().createParser(out.toByteArray())) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("statusCode")) {
                    status = p.getIntValue();
                } else if (name.equals("body")) {
                    body = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        }
        return new Response(status, body);
    }

    /** A Function URL event (payload 2.0) as Lambda delivers it: lower-case header names, body maybe base64. */
    static byte[] event(String method, String path, Map<String, String> headers, byte[] body, boolean base64)
            throws IOException {
        StringWriter json = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(json)) {
            g.writeStartObject();
            g.writeStringField("version", "2.0");
            g.writeStringField("routeKey", "$default");
            g.writeStringField("rawPath", path);
            g.writeStringField("rawQueryString", "");
            g.writeObjectFieldStart("headers");
            for (Map.Entry<String, String> h : headers.entrySet()) {
                g.writeStringField(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("requestContext");
            g.writeStringField("accountId", "anonymous");
            g.writeStringField("domainName", "abc.lambda-url.us-east-1.on.aws");
            g.writeObjectFieldStart("http");
            g.writeStringField("method", method);
            g.writeStringField("path", path);
            g.writeStringField("protocol", "HTTP/1.1");
            g.writeStringField("sourceIp", "54.0.0.1");
            g.writeStringField("userAgent", "Logplex/v123");
            g.writeEndObject();
            g.writeNumberField("timeEpoch", System.currentTimeMillis());
            g.writeEndObject();
            if (body.length > 0) {
                g.writeStringField("body", base64 ? Base64.getEncoder().encodeToString(body) : new String(body, UTF_8));
            }
            g.writeBooleanField("isBase64Encoded", base64);
            g.writeEndObject();
        }
        return json.toString().getBytes(UTF_8);
    }

    private static String crc32c(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
