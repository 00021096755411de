package io.auditdrain.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.SsmException;

/**
 * The fault proxy between the AWS SDK (as the receiver builds it: URL-connection HTTP client, no retries here so
 * that each call is one request) and moto: each fault does to a request what it says, to the service it was set for
 * only, and what reached moto is read back from moto directly.
 */
class FaultProxyIT {

    private static final String BUCKET = "fault-proxy-it";

    private FaultProxy proxy;
    private S3Client direct;
    private S3Client s3;
    private SsmClient ssm;

    @BeforeEach
    void start() {
        AwsEmulator emulator = AwsEmulator.shared();
        emulator.reset();
        proxy = FaultProxy.start(emulator.endpoint());
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(AwsEmulator.ACCESS_KEY,
                AwsEmulator.SECRET_KEY));
        direct = S3Client.builder().endpointOverride(emulator.endpoint()).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(credentials).build();
        direct.createBucket(r -> r.bucket(BUCKET));
        s3 = S3Client.builder().endpointOverride(proxy.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.builder()
                        .socketTimeout(Duration.ofSeconds(2)).build())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        ssm = SsmClient.builder().endpointOverride(proxy.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.builder().build())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    @AfterEach
    void stop() {
        s3.close();
        ssm.close();
        direct.close();
        proxy.close();
    }

    @Test
    void without_faults_a_put_and_a_parameter_pass_through_and_are_counted_by_service() {
        put("clean");
        ssm.putParameter(r -> r.name("/it/p").value("v").type(ParameterType.SECURE_STRING));
        assertEquals("v", ssm.getParameter(r -> r.name("/it/p").withDecryption(true)).parameter().value());
        assertTrue(landed("clean"));
        assertEquals(1, proxy.seen("s3"));
        assertEquals(2, proxy.seen("ssm"));
        assertEquals(1, proxy.requestsTo("s3"));
        assertEquals(AwsEmulator.ACCESS_KEY, proxy.accessKeys().get(0));
    }

    @Test
    void a_delayed_answer_comes_after_the_delay_and_a_timed_out_put_has_landed_all_the_same() {
        proxy.inject("s3", Duration.ofMillis(400), 1.0);
        long started = System.nanoTime();
        put("slow");
        assertTrue((System.nanoTime() - started) / 1_000_000 >= 400);

        proxy.inject("s3", Duration.ofSeconds(4), 1.0);
        assertInstanceOf(SdkClientException.class, assertThrows(SdkClientException.class, () -> put("too-slow")));
        assertTrue(landed("too-slow"), "the request reached moto before its answer was held back");
        assertEquals(2, proxy.injected("s3", FaultProxy.Fault.DELAY));
    }

    @Test
    void a_request_dropped_after_it_was_sent_fails_at_the_client_but_reaches_the_api() throws Exception {
        proxy.inject("s3", FaultProxy.Fault.DROP_AFTER_SEND, 1.0);
        assertThrows(SdkClientException.class, () -> put("dropped"));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!landed("dropped") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(landed("dropped"));
    }

    @Test
    void a_reset_request_fails_at_the_client_and_never_reaches_the_api() throws Exception {
        proxy.inject("s3", FaultProxy.Fault.RESET, 1.0);
        assertThrows(SdkClientException.class, () -> put("reset"));
        Thread.sleep(300);
        assertFalse(landed("reset"));
    }

    @Test
    void a_500_comes_after_the_api_acted_on_the_request() {
        proxy.inject("s3", FaultProxy.Fault.ANSWER_500, 1.0);
        S3Exception e = assertThrows(S3Exception.class, () -> put("acted-on"));
        assertEquals(500, e.statusCode());
        assertEquals("InternalError", e.awsErrorDetails().errorCode());
        assertTrue(landed("acted-on"));
    }

    @Test
    void a_503_is_s3_s_slow_down_and_never_reaches_the_api() {
        proxy.inject("s3", FaultProxy.Fault.ANSWER_503, 1.0);
        S3Exception e = assertThrows(S3Exception.class, () -> put("slowed-down"));
        assertEquals(503, e.statusCode());
        assertEquals("SlowDown", e.awsErrorDetails().errorCode());
        assertFalse(landed("slowed-down"));
    }

    @Test
    void a_409_is_s3_s_conditional_request_conflict_and_never_reaches_the_api() {
        proxy.inject("s3", FaultProxy.Fault.ANSWER_409, 1.0);
        S3Exception e = assertThrows(S3Exception.class, () -> put("conflicted"));
        assertEquals(409, e.statusCode());
        assertEquals("ConditionalRequestConflict", e.awsErrorDetails().errorCode());
        assertFalse(landed("conflicted"));
    }

    @Test
    void ssm_faults_answer_in_ssm_s_protocol_and_spare_s3() {
        proxy.inject("ssm", FaultProxy.Fault.ANSWER_503, 1.0);
        SsmException e = assertThrows(SsmException.class, () -> ssm.getParameters(r -> r.names("/it/x")));
        assertEquals(503, e.statusCode());
        assertEquals("ServiceUnavailable", e.awsErrorDetails().errorCode());
        put("s3-spared");
        assertTrue(landed("s3-spared"));
        assertEquals(0, proxy.injected("s3", FaultProxy.Fault.ANSWER_503));
    }

    @Test
    void an_away_service_has_every_request_reset_while_the_other_passes_until_it_is_spared() {
        proxy.inject("ssm", FaultProxy.Fault.AWAY, 1.0);
        assertThrows(SdkClientException.class, () -> ssm.getParameters(r -> r.names("/it/x")));
        assertThrows(SdkClientException.class, () -> ssm.getParameters(r -> r.names("/it/x")));
        put("while-ssm-away");
        proxy.spare("ssm");
        assertEquals(0, ssm.getParameters(r -> r.names("/it/x")).parameters().size());
        assertEquals(2, proxy.injected("ssm", FaultProxy.Fault.AWAY));
    }

    @Test
    void the_first_request_after_a_fault_is_set_meets_it_whatever_the_share() {
        proxy.inject("s3", FaultProxy.Fault.ANSWER_503, 0.0);
        assertThrows(S3Exception.class, () -> put("first"));
        put("second");
        put("third");
        assertEquals(1, proxy.injected("s3", FaultProxy.Fault.ANSWER_503));
    }

    @Test
    void refused_connections_are_counted_and_heal_restores_service() {
        proxy.refuseConnections(true);
        assertThrows(SdkClientException.class, () -> put("refused"));
        assertTrue(proxy.refused() >= 1);
        proxy.heal();
        put("healed");
        assertTrue(landed("healed"));
    }

    @Test
    void lost_responses_fail_at_the_client_after_the_api_acted() {
        proxy.loseResponses(true);
        assertThrows(SdkClientException.class, () -> put("lost-answer"));
        assertTrue(landed("lost-answer"));
    }

    private void put(String key) {
        s3.putObject(r -> r.bucket(BUCKET).key(key).contentType("text/plain"),
                RequestBody.fromString("object " + key + " " + UUID.randomUUID()));
    }

    private boolean landed(String key) {
        try {
            direct.headObject(r -> r.bucket(BUCKET).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }
}
