package io.auditdrain.receiver.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.auditdrain.receiver.Drains;
import io.auditdrain.receiver.RetriedBatches;
import io.auditdrain.receiver.config.ReceiverConfig;
import io.auditdrain.testing.AwsEmulator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.ssm.SsmClient;

/** Logplex's retries through the Lambda handler, to a versioned bucket: a retry never makes a second object. */
class RetriedBatchLambdaIT {

    private static final String BUCKET = "retried-batches";
    private static final String SECRET = "cmV0cmllZC1iYXRjaGVzLXNlY3JldC0xMjM0NTY3ODk";

    private final AwsEmulator emulator = AwsEmulator.shared();
    private final S3Client s3 = Drains.s3(emulator);
    private final SsmClient ssm = Drains.ssm(emulator);
    private FunctionUrlHandler handler;

    @BeforeEach
    void setUp() {
        emulator.reset();
        s3.createBucket(r -> r.bucket(BUCKET));
        s3.putBucketVersioning(r -> r.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
        Drains.putSecret(ssm, "retry-app", "secret", SECRET);
        handler = new FunctionUrlHandler(ReceiverConfig.fromEnvironment(Map.of(
                "AUDITDRAIN_STORE", "s3://" + BUCKET,
                "AUDITDRAIN_CREDENTIALS", "ssm:" + Drains.PREFIX,
                "AWS_REGION", AwsEmulator.REGION,
                "AWS_ENDPOINT_URL", emulator.endpoint().toString())),
                new PrintStream(new ByteArrayOutputStream(), true, UTF_8));
    }

    @AfterEach
    void tearDown() {
        s3.close();
        ssm.close();
    }

    @Test
    void retries_of_a_body_without_a_parsable_timestamp_store_one_object_at_epoch_zero() throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            assertEquals(200, post(RetriedBatches.undatedBody(), 3));
        }
        List<ObjectVersion> versions = versions();
        assertEquals(1, versions.size(), "one object, one version: " + versions);
        assertTrue(versions.get(0).key().startsWith("logs/retry-app/1970/01/01/0000000000000-"),
                versions.get(0).key());
        RetriedBatches.assertStoredOnce(contents(versions), RetriedBatches.UNDATED);
    }

    @Test
    void a_retry_with_an_l10_notice_in_front_stores_the_notice_and_not_the_batch_again() throws IOException {
        assertEquals(200, post(RetriedBatches.batch(), 2));
        assertEquals(200, post(RetriedBatches.batchAfterNotice(), 3));
        assertEquals(200, post(RetriedBatches.batchAfterNotice(), 3));
        List<ObjectVersion> versions = versions();
        assertEquals(2, versions.size(), "the batch and the notice, one version each: " + versions);
        List<String> expected = new ArrayList<>(RetriedBatches.BATCH);
        expected.add(RetriedBatches.NOTICE);
        RetriedBatches.assertStoredOnce(contents(versions), expected);
    }

    private int post(byte[] body, int messages) throws IOException {
        byte[] event = FunctionUrlHandlerIT.event("POST", "/logs",
                RetriedBatches.logplexHeaders(Drains.basic("retry-app", SECRET), messages), body, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        try (JsonParser p = new JsonFactory().createParser(out.toByteArray())) {
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME && p.currentName().equals("statusCode")) {
                    p.nextToken();
                    return p.getIntValue();
                }
            }
        }
        throw new AssertionError("no statusCode in " + out.toString(UTF_8));
    }

    private List<ObjectVersion> versions() {
        return s3.listObjectVersions(r -> r.bucket(BUCKET)).versions();
    }

    private List<byte[]> contents(List<ObjectVersion> versions) {
        return versions.stream().flatMap(v -> Stream.of(s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(v.key())
                .versionId(v.versionId())).asByteArray())).toList();
    }
}
