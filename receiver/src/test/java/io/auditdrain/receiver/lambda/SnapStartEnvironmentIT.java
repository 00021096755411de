package io.auditdrain.receiver.lambda;

import static io.auditdrain.receiver.lambda.DeployedReceiver.APP;
import static io.auditdrain.receiver.lambda.DeployedReceiver.BUCKET;
import static io.auditdrain.receiver.lambda.DeployedReceiver.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.GzipDecoder;
import io.auditdrain.core.LineCodec;
import io.auditdrain.receiver.Deadline;
import io.auditdrain.receiver.Drains;
import io.auditdrain.testing.LogplexFixtures;
import io.auditdrain.testing.lambda.ContainerCredentialsEndpoint;
import io.auditdrain.testing.lambda.FunctionUrlRequest;
import io.auditdrain.testing.lambda.LambdaExecutionEnvironment;
import io.auditdrain.testing.lambda.LambdaRuntimeApi;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The shipped jar in a SnapStart execution environment, as terraform/ deploys it by default and sized as it sizes it:
 * no access keys in the environment, only the container credentials endpoint; AWS reached by its production names over
 * TLS; the runtime client runs the before-checkpoint hooks, waits for the restore, runs the after-restore hooks, then
 * serves Function URL requests. The tests run in order, as one environment's life: snapshot, restore with credentials
 * that did not exist at the snapshot (and the first TLS handshakes), requests, credentials that expire and change, a
 * slow AWS; then two more environments initialised alike, to show that their objects' names come from content.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnapStartEnvironmentIT {

    private static final Duration SESSION_LIFETIME = Duration.ofSeconds(63); // the SDK re-reads 60 s before expiry

    private static DeployedReceiver deployment;
    private static ContainerCredentialsEndpoint credentials;
    private static LambdaRuntimeApi api;
    private static LambdaExecutionEnvironment environment;
    private static Duration timeout;

    @BeforeAll
    static void snapshot() throws InterruptedException {
        deployment = new DeployedReceiver();
        credentials = deployment.containerCredentials(SESSION_LIFETIME);
        api = LambdaRuntimeApi.start("arn:aws:lambda:us-east-1:123456789012:function:auditdrain:live");
        var function = deployment.function();
        timeout = function.timeout();
        environment = deployment.start(api, new LambdaExecutionEnvironment.Credentials.Container(credentials), function);
        assertTrue(api.awaitCheckpoint(Duration.ofSeconds(60)), "no checkpoint: " + environment.output());
    }

    @AfterAll
    static void stop() {
        DeployedReceiver.closeAll(environment, api, credentials, deployment);
    }

    static byte[] frame(String message) {
        return ((message.length() + 1) + " " + message + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    void the_snapshot_is_taken_after_the_before_checkpoint_hook_and_holds_no_credentials() {
        assertTrue(environment.output().contains("\"phase\":\"before_checkpoint\""), environment.output());
        assertEquals(0, credentials.served(), "credentials fetched before the snapshot would be frozen into it");
        assertEquals(List.of(), deployment.proxy().accessKeys(), "priming made no AWS call");
        deployment.front().ifPresent(front -> assertEquals(List.of(), front.handshakes(),
                "no TLS connection before the snapshot"));
    }

    @Test
    @Order(2)
    void after_a_restore_with_new_credentials_a_drain_post_is_stored_signed_with_them() throws Exception {
        ContainerCredentialsEndpoint.Credentials session = credentials.rotate();
        byte[] body = LogplexFixtures.body("logplex-readme-http-drain-request.txt");
        Map<String, String> headers = LogplexFixtures.headers("logplex-readme-http-drain-request.txt");
        Instant restored = Instant.now();
        long started = System.nanoTime();
        api.restore();
        var answer = DeployedReceiver.invoke(api, FunctionUrlRequest.drainPost(APP, SECRET, body).headers(headers)
                .event(), timeout);
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertEquals(200, answer.status(), environment.output());
        assertTrue(millis < Deadline.REQUEST_BUDGET.toMillis(), "restore and first request took " + millis + " ms ("
                + environment.sizing() + ")");
        deployment.front().ifPresent(front -> {
            assertFalse(front.handshakes().isEmpty(), "the request's calls went over TLS");
            assertTrue(front.handshakes().get(0).completedAt().isAfter(restored), "the first handshake came after"
                    + " the restore, inside the first request");
        });
        assertTrue(environment.output().contains("\"phase\":\"after_restore\""), environment.output());
        var objects = deployment.appObjects();
        assertEquals(1, objects.size());
        assertEquals(Drains.expectedMessages(body), LineCodec.decodeAllUtf8(GzipDecoder.decode(
                deployment.s3().getObjectAsBytes(r -> r.bucket(BUCKET).key(objects.get(0).key())).asByteArray())));
        List<String> keys = deployment.proxy().accessKeys();
        assertFalse(keys.isEmpty());
        assertTrue(keys.stream().allMatch(session.accessKeyId()::equals), "signed with " + keys);
        assertTrue(credentials.served() >= 1);
        assertEquals(0, credentials.refused(), "the authorization token was sent");
    }

    @Test
    @Order(3)
    void a_retry_of_the_same_batch_is_answered_200_without_a_second_version() {
        byte[] body = LogplexFixtures.body("logplex-readme-http-drain-request.txt");
        Map<String, String> headers = LogplexFixtures.headers("logplex-readme-http-drain-request.txt");
        var answer = DeployedReceiver.invoke(api, FunctionUrlRequest.drainPost(APP, SECRET, body).headers(headers)
                .event(), timeout);
        assertEquals(200, answer.status());
        assertEquals(1, deployment.s3().listObjectVersions(r -> r.bucket(BUCKET)).versions().stream()
                .filter(v -> v.key().startsWith("logs/" + APP + "/")).count());
    }

    @Test
    @Order(4)
    void credentials_that_expire_are_replaced_by_the_next_ones_the_endpoint_serves() throws Exception {
        String before = credentials.current().accessKeyId();
        Thread.sleep(SESSION_LIFETIME.minusSeconds(60).plusMillis(500).toMillis());
        ContainerCredentialsEndpoint.Credentials next = credentials.rotate();
        int seen = deployment.proxy().accessKeys().size();
        byte[] body = frame("<190>1 2026-11-26T10:00:00.000001+00:00 host app web.1 - after the credentials changed");
        var answer = DeployedReceiver.invoke(api, FunctionUrlRequest.drainPost(APP, SECRET, body).event(), timeout);

        assertEquals(200, answer.status(), environment.output());
        List<String> used = deployment.proxy().accessKeys().subList(seen, deployment.proxy().accessKeys().size());
        assertNotEquals(before, next.accessKeyId());
        assertEquals(List.of(next.accessKeyId()), used.stream().distinct().toList());
    }

    @Test
    @Order(5)
    void a_wrong_secret_is_answered_401_and_stores_nothing() {
        int objects = deployment.appObjects().size();
        var answer = DeployedReceiver.invoke(api, FunctionUrlRequest.drainPost(APP, "not-the-secret",
                LogplexFixtures.body("devcenter-log-drains-https-example-body.txt")).event(), timeout);
        assertEquals(401, answer.status());
        assertEquals(objects, deployment.appObjects().size());
    }

    @Test
    @Order(6)
    void health_answers_200_without_credentials() {
        assertEquals(200, DeployedReceiver.invoke(api, FunctionUrlRequest.get("/health").event(), timeout).status());
    }

    @Test
    @Order(7)
    void a_slow_aws_is_answered_503_within_logplex_s_wait_not_with_a_lambda_timeout() {
        deployment.proxy().delayResponses(Duration.ofSeconds(8));
        try {
            byte[] body = frame("<190>1 2026-11-26T10:00:01.000001+00:00 host app web.1 - while S3 is slow");
            long started = System.nanoTime();
            var answer = DeployedReceiver.invoke(api, FunctionUrlRequest.drainPost(APP, SECRET, body).event(), timeout);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(503, answer.status(), environment.output());
            assertTrue(millis < 5_000, "answered after " + millis + " ms; Logplex gives up after about 5 s");
        } finally {
            deployment.proxy().heal();
        }
    }

    @Test
    @Order(8)
    void the_function_s_output_holds_one_json_line_per_request_and_no_credential() {
        String output = environment.output();
        assertFalse(output.contains(SECRET), "a drain secret in the logs");
        assertFalse(output.contains(credentials.current().secretAccessKey()), "an AWS secret key in the logs");
        assertFalse(output.contains(credentials.current().sessionToken()), "a session token in the logs");
        assertFalse(output.contains(credentials.authorizationToken()), "the credentials endpoint's token in the logs");
        long requests = DeployedReceiver.lines(output).stream().filter(l -> l.contains("\"event\":\"drain_request\""))
                .count();
        assertEquals(5, requests, "one per drain POST: " + output);
    }

    @Test
    @Order(9)
    void two_environments_initialised_alike_store_distinct_batches_apart_and_a_retry_once() throws Exception {
        // No process snapshot can be taken on these machines (CRIU does not run here), so the two are initialised
        // alike rather than restored from one snapshot; what makes that safe in Lambda is the same either way: an
        // object's name comes from its content, not from random state a snapshot would share.
        try (LambdaRuntimeApi first = LambdaRuntimeApi.start("arn:aws:lambda:us-east-1:123456789012:function:a");
             LambdaRuntimeApi second = LambdaRuntimeApi.start("arn:aws:lambda:us-east-1:123456789012:function:b");
             LambdaExecutionEnvironment one = deployment.start(first,
                     new LambdaExecutionEnvironment.Credentials.Container(credentials), deployment.function());
             LambdaExecutionEnvironment other = deployment.start(second,
                     new LambdaExecutionEnvironment.Credentials.Container(credentials), deployment.function())) {
            assertTrue(first.awaitCheckpoint(Duration.ofSeconds(60)), one.output());
            assertTrue(second.awaitCheckpoint(Duration.ofSeconds(60)), other.output());
            first.restore();
            second.restore();
            byte[] batch = frame("<190>1 2026-11-26T11:00:00.000001+00:00 host app web.1 - a batch for one");
            byte[] another = frame("<190>1 2026-11-26T11:00:00.000001+00:00 host app web.1 - a batch for the other");
            List<String> before = keys();

            assertEquals(200, DeployedReceiver.invoke(first, FunctionUrlRequest.drainPost(APP, SECRET, batch)
                    .event(), timeout).status(), one.output());
            assertEquals(200, DeployedReceiver.invoke(second, FunctionUrlRequest.drainPost(APP, SECRET, another)
                    .event(), timeout).status(), other.output());
            List<String> stored = keys().stream().filter(k -> !before.contains(k)).toList();
            assertEquals(2, stored.size(), "one object each, under distinct names: " + stored);

            // Logplex retries the first batch; the other environment takes it, and finds it stored.
            assertEquals(200, DeployedReceiver.invoke(second, FunctionUrlRequest.drainPost(APP, SECRET, batch)
                    .event(), timeout).status(), other.output());
            assertEquals(stored, keys().stream().filter(k -> !before.contains(k)).toList(), "no third object");
            assertEquals(before.size() + 2, keys().size(), "and no second version");
        }
    }

    /** Every version of every object of the app, by key (a key with two versions is listed twice). */
    private static List<String> keys() {
        return deployment.s3().listObjectVersions(r -> r.bucket(BUCKET)).versions().stream()
                .map(v -> v.key()).filter(k -> k.startsWith("logs/" + APP + "/")).sorted().toList();
    }
}
