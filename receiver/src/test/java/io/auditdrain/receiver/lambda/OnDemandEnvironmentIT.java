package io.auditdrain.receiver.lambda;

import static io.auditdrain.receiver.lambda.DeployedReceiver.APP;
import static io.auditdrain.receiver.lambda.DeployedReceiver.BUCKET;
import static io.auditdrain.receiver.lambda.DeployedReceiver.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.auditdrain.core.GzipDecoder;
import io.auditdrain.core.LineCodec;
import io.auditdrain.receiver.Drains;
import io.auditdrain.testing.LogplexFixtures;
import io.auditdrain.testing.lambda.FunctionUrlRequest;
import io.auditdrain.testing.lambda.FunctionUrlResponse;
import io.auditdrain.testing.lambda.LambdaExecutionEnvironment;
import io.auditdrain.testing.lambda.LambdaRuntimeApi;
import io.auditdrain.testing.lambda.TlsEndpointFront;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The shipped jar in an on-demand execution environment, sized as terraform/ sizes the function: the role's temporary
 * keys in the environment, as Lambda sets them when SnapStart is off, and AWS reached by its production names over
 * TLS. Also what a broken configuration does to an environment: an init error that names every problem; and the
 * request details a Function URL hands over as AWS builds them (repeated headers joined, query strings kept).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnDemandEnvironmentIT {

    private static DeployedReceiver deployment;
    private static LambdaRuntimeApi api;
    private static LambdaExecutionEnvironment environment;
    private static Credentials session;
    private static Duration timeout;

    @BeforeAll
    static void start() {
        deployment = new DeployedReceiver();
        api = LambdaRuntimeApi.start("arn:aws:lambda:us-east-1:123456789012:function:auditdrain:live");
        session = deployment.roleSession();
        var function = deployment.function();
        timeout = function.timeout();
        environment = deployment.start(api, new LambdaExecutionEnvironment.Credentials.Static(session.accessKeyId(),
                session.secretAccessKey(), session.sessionToken()), function);
    }

    @AfterAll
    static void stop() {
        DeployedReceiver.closeAll(environment, api, deployment);
    }

    @Test
    @Order(1)
    void every_fixture_is_stored_byte_for_byte_signed_with_the_role_s_keys() {
        for (String fixture : LogplexFixtures.NAMES) {
            byte[] body = LogplexFixtures.body(fixture);
            var answer = DeployedReceiver.invoke(api, FunctionUrlRequest.drainPost(APP, SECRET, body)
                    .headers(LogplexFixtures.headers(fixture)).event(), timeout);
            assertEquals(200, answer.status(), fixture + "\n" + environment.output());
        }
        assertFalse(environment.output().contains("INIT_REPORT"), "the cold start, sized as deployed ("
                + environment.sizing() + "), fits Lambda's 10 s init: " + environment.output());
        var objects = deployment.appObjects();
        assertEquals(LogplexFixtures.NAMES.size(), objects.size());
        List<List<String>> stored = objects.stream().map(o -> LineCodec.decodeAllUtf8(GzipDecoder.decode(
                deployment.s3().getObjectAsBytes(r -> r.bucket(BUCKET).key(o.key())).asByteArray()))).toList();
        for (String fixture : LogplexFixtures.NAMES) {
            assertTrue(stored.contains(Drains.expectedMessages(LogplexFixtures.body(fixture))), fixture);
        }
        List<String> keys = deployment.proxy().accessKeys();
        assertFalse(keys.isEmpty());
        assertEquals(List.of(session.accessKeyId()), keys.stream().distinct().toList());
    }

    @Test
    @Order(2)
    void s3_and_ssm_are_reached_by_their_production_names_over_tls_with_no_endpoint_override() {
        assumeTrue(deployment.front().isPresent(), "port 443 cannot be bound here (said above): endpoint override");
        assertFalse(deployment.function().environment().containsKey("AWS_ENDPOINT_URL"));
        // The fixtures stored above went this way.
        Set<String> names = deployment.front().orElseThrow().handshakes().stream()
                .map(TlsEndpointFront.Handshake::serverName).collect(Collectors.toSet());
        assertEquals(Set.of(BUCKET + ".s3.amazonaws.com", "ssm.us-east-1.amazonaws.com"), names,
                "the SDK's endpoint rules pick S3's virtual-hosted global name and SSM's regional one");
    }

    @Test
    void a_second_authorization_header_is_joined_to_the_first_as_the_url_joins_them_and_refused() {
        int objects = deployment.appObjects().size();
        var answer = DeployedReceiver.invoke(api, FunctionUrlRequest.drainPost(APP, "not-the-secret",
                LogplexFixtures.body("devcenter-log-drains-https-example-body.txt"))
                .addHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString((APP + ":" + SECRET)
                        .getBytes(StandardCharsets.UTF_8))).event(), timeout);
        assertEquals(401, answer.status(), "'Basic <wrong>,Basic <right>' is no credential");
        assertEquals(objects, deployment.appObjects().size());
    }

    @Test
    void a_health_check_with_a_query_string_is_answered_200() {
        assertEquals(200, DeployedReceiver.invoke(api, FunctionUrlRequest.get("/health?source=uptime-monitor")
                .header("Cookie", "session=abc; theme=dark").event(), timeout).status());
    }

    @Test
    void a_credential_of_another_app_is_answered_401() {
        var answer = DeployedReceiver.invoke(api, FunctionUrlRequest.drainPost("another-app", SECRET,
                LogplexFixtures.body("devcenter-log-drains-https-example-body.txt")).event(), timeout);
        assertEquals(401, answer.status());
    }

    @Test
    void an_event_that_is_not_a_function_url_request_is_an_invocation_error_and_the_environment_keeps_serving()
            throws Exception {
        LambdaRuntimeApi.Outcome outcome = api.invoke("{\"detail-type\":\"Scheduled Event\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), timeout);
        assertTrue(!outcome.succeeded(), "answered " + outcome.responseText());
        assertTrue(outcome.error().body().contains("Function URL"), outcome.error().body());
        assertEquals(200, DeployedReceiver.invoke(api, FunctionUrlRequest.get("/health").event(), timeout).status());
    }

    @Test
    void keys_that_aws_does_not_accept_are_answered_503_and_nothing_is_stored() throws Exception {
        int objects = deployment.appObjects().size();
        try (LambdaRuntimeApi other = LambdaRuntimeApi.start("arn:aws:lambda:us-east-1:123456789012:function:y");
             LambdaExecutionEnvironment forged = deployment.start(other,
                     new LambdaExecutionEnvironment.Credentials.Static(session.accessKeyId(), "not-the-secret-key",
                             session.sessionToken()), deployment.function())) {
            // Once its init is over, so that the request's deadline is the call's, not spent on the cold start.
            assertTrue(other.awaitReady(Duration.ofSeconds(30)), forged.output());
            var answer = FunctionUrlResponse.of(other.invoke(FunctionUrlRequest.drainPost(APP, SECRET,
                    LogplexFixtures.body("devcenter-log-drains-https-example-body.txt")).event(), timeout));
            assertEquals(503, answer.status(), "a signature with the wrong key must fail: " + forged.output());
            assertTrue(forged.output().contains("SignatureDoesNotMatch") || forged.output().contains("403"),
                    forged.output());
        }
        assertEquals(objects, deployment.appObjects().size());
    }

    @Test
    void a_configuration_with_several_problems_fails_init_naming_each_and_the_runtime_exits() throws Exception {
        Map<String, String> env = new LinkedHashMap<>(deployment.environment());
        env.remove("AUDITDRAIN_STORE");
        env.put("AUDITDRAIN_GZIP_LEVEL", "12");
        env.put("AUDITDRAIN_CREDENTIALS_TTL_SECONDS", "forever");
        try (LambdaRuntimeApi broken = LambdaRuntimeApi.start("arn:aws:lambda:us-east-1:123456789012:function:x");
             LambdaExecutionEnvironment failing = deployment.start(broken,
                     new LambdaExecutionEnvironment.Credentials.Static(session.accessKeyId(), session.secretAccessKey(),
                             session.sessionToken()), deployment.function(env))) {
            LambdaRuntimeApi.RuntimeError error = broken.awaitInitError(Duration.ofSeconds(60));
            assertTrue(error.body().contains("AUDITDRAIN_STORE"), error.body());
            assertTrue(error.body().contains("AUDITDRAIN_GZIP_LEVEL"), error.body());
            assertTrue(error.body().contains("AUDITDRAIN_CREDENTIALS_TTL_SECONDS"), error.body());
            int exit = failing.awaitExit(Duration.ofSeconds(30));
            assertNotEquals(-1, exit, "the runtime kept running after its init error");
            assertNotEquals(0, exit);
        }
    }
}
