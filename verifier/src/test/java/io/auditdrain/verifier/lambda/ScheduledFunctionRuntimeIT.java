package io.auditdrain.verifier.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.testing.lambda.LambdaExecutionEnvironment;
import io.auditdrain.testing.lambda.LambdaRuntimeApi;
import io.auditdrain.testing.lambda.TerraformModule;
import io.auditdrain.testing.lambda.TlsEndpointFront;
import io.auditdrain.verifier.cli.DoctorCommand;
import io.auditdrain.verifier.testsupport.DrainSimulator;
import io.auditdrain.verifier.testsupport.HerokuPostgresLines;
import io.auditdrain.verifier.testsupport.ReferenceDatabase;
import io.auditdrain.verifier.testsupport.TestBucket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The scheduled verification as Terraform deploys it, on this machine: the shipped verifier jar run by AWS's runtime
 * interface client in an execution environment set up as Lambda's (testing/lambda: the runtime's JVM options, the
 * reserved variables, temporary keys in the environment, nothing inherited), configured from terraform/ (handler,
 * memory, timeout, writers window, namespace, JAVA_TOOL_OPTIONS), against the S3 and SSM emulator and the real
 * PostgreSQL 15. The function reaches S3 and SSM by their production names over TLS ({@link TlsEndpointFront}), with
 * no endpoint override, wherever port 443 can be bound on loopback.
 *
 * <p>The emulator runs without authentication here, unlike the receiver's runtime tests: moto 5.2.1 computes the
 * SigV4 canonical query string wrongly when a value holds a '/', so every ListObjects with a prefix such as
 * {@code logs/<app>/2026/01/01/} is refused with SignatureDoesNotMatch (the AWS CLI's own requests are refused the
 * same way). The role's actions are asserted by terraform/tests/verifier_schedule.tftest.hcl and read back from the
 * applied role by scripts/check-deploy.
 */
class ScheduledFunctionRuntimeIT {

    private static final String APP = "acme-api-prod";
    private static final String EVENT = "{\"version\":\"0\",\"id\":\"7bf73129\",\"detail-type\":\"Scheduled Event\","
            + "\"source\":\"aws.events\",\"account\":\"123456789012\",\"time\":\"2026-01-01T00:15:00Z\","
            + "\"region\":\"us-east-1\",\"resources\":[\"arn:aws:events:us-east-1:123456789012:rule/"
            + "auditdrain-verifier\"],\"detail\":{}}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TerraformModule TERRAFORM = TerraformModule.ofRepository();

    private static ReferenceDatabase db;
    private static TestBucket bucket;
    private static SsmClient ssm;
    private static String parameter;
    private static Optional<TlsEndpointFront> front;

    @BeforeAll
    static void deploy() {
        db = ReferenceDatabase.get();
        db.reset();
        bucket = new TestBucket().configuredAsReference();
        AwsEmulator emulator = AwsEmulator.shared();
        ssm = SsmClient.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(emulator.endpoint())
                .region(Region.of(AwsEmulator.REGION)).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(AwsEmulator.ACCESS_KEY, AwsEmulator.SECRET_KEY))).build();
        parameter = "/auditdrain-runtime/" + UUID.randomUUID() + "/database-url";
        ssm.putParameter(r -> r.name(parameter).type(ParameterType.SECURE_STRING).value(db.appUrl()));
        front = TlsEndpointFront.start(List.of(TlsEndpointFront.s3Host(bucket.name(), AwsEmulator.REGION),
                TlsEndpointFront.serviceHost("ssm", AwsEmulator.REGION)), emulator.endpoint());
    }

    @AfterAll
    static void stop() {
        if (front != null) {
            front.ifPresent(TlsEndpointFront::close);
        }
        if (ssm != null) {
            ssm.close();
        }
    }

    /**
     * What terraform/verifier_schedule.tf puts in the function's environment; plus the emulator's endpoint only where
     * the production names cannot be served here.
     */
    private static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AUDITDRAIN_APP", APP);
        env.put("AUDITDRAIN_STORE", bucket.store());
        env.put("AUDITDRAIN_DATABASE_URL_PARAMETER", parameter);
        env.put("AUDITDRAIN_METRICS_NAMESPACE", TERRAFORM.variableDefault("metrics_namespace"));
        env.put("AUDITDRAIN_WRITERS_WINDOW", TERRAFORM.variableDefault("verifier_writers_window"));
        env.put("AUDITDRAIN_RETENTION_DAYS", TERRAFORM.variableDefault("minimum_retention_days"));
        env.put("JAVA_TOOL_OPTIONS", TERRAFORM.variableDefault("java_tool_options"));
        if (front.isEmpty()) {
            env.put("AWS_ENDPOINT_URL", AwsEmulator.shared().endpoint().toString());
        }
        return env;
    }

    private static LambdaExecutionEnvironment.FunctionConfiguration function(Map<String, String> environment) {
        return new LambdaExecutionEnvironment.FunctionConfiguration("auditdrain-verifier",
                TERRAFORM.attribute("aws_lambda_function", "verifier", "handler"),
                Integer.parseInt(TERRAFORM.variableDefault("verifier_memory_mb")),
                Duration.ofSeconds(Long.parseLong(TERRAFORM.variableDefault("verifier_timeout_seconds"))),
                AwsEmulator.REGION, environment);
    }

    /** An on-demand environment: temporary keys in the environment, as Lambda sets them without SnapStart. */
    private static LambdaExecutionEnvironment start(LambdaRuntimeApi api, Map<String, String> environment) {
        Path jar = Path.of("target", "auditdrain-verifier.jar");
        assertTrue(Files.isRegularFile(jar), "the tests run after `package`");
        return LambdaExecutionEnvironment.start(jar, function(environment), new LambdaExecutionEnvironment.Credentials
                .Static("ASIAVERIFIERRUNTIME1", "verifier-runtime-secret-key", "verifier-runtime-session-token"),
                api, front.map(TlsEndpointFront::jvmOptions).orElse(List.of()));
    }

    @Test
    void the_shipped_jar_runs_smoke_and_doctor_on_its_schedule_and_writes_the_metrics() throws Exception {
        var function = function(environment());
        try (LambdaRuntimeApi api = LambdaRuntimeApi.start("arn:aws:lambda:us-east-1:123456789012:function:"
                + "auditdrain-verifier");
             LambdaExecutionEnvironment runtime = start(api, environment());
             DrainSimulator drain = new DrainSimulator(db.server().csvLog(), bucket.objects(), APP,
                     HerokuPostgresLines.standard())) {
            LambdaRuntimeApi.Outcome outcome = api.invoke(EVENT.getBytes(StandardCharsets.UTF_8), function.timeout());
            assertTrue(outcome.succeeded(), "the function failed: " + outcome.error() + "\n" + runtime.output());
            JsonNode result = JSON.readTree(outcome.response());
            assertEquals("PASS", result.get("smoke").asText(), runtime.output());
            assertEquals("PASS", result.get("doctor").asText(), runtime.output());

            List<JsonNode> lines = new ArrayList<>();
            for (String line : runtime.output().split("\n")) {
                if (line.startsWith("{")) {
                    lines.add(JSON.readTree(line));
                }
            }
            JsonNode run = lines.stream().filter(l -> "verification_run".equals(l.path("event").asText())).findFirst()
                    .orElseThrow(() -> new AssertionError("no run metrics:\n" + runtime.output()));
            assertEquals(1, run.get("Runs").asInt());
            assertEquals(0, run.get("SmokeFailed").asInt());
            assertEquals(0, run.get("ChecksFailed").asInt());
            assertTrue(run.get("SmokeLatency").asLong() >= 0);
            assertEquals(TERRAFORM.variableDefault("metrics_namespace"),
                    run.get("_aws").get("CloudWatchMetrics").get(0).get("Namespace").asText());
            assertEquals(DoctorCommand.checks().size(), lines.stream().filter(l -> "verification_check".equals(l.path("event").asText())).count(),
                    runtime.output());
            assertFalse(runtime.output().contains(db.appPassword()), "the password never reaches the log");
        }
        front.ifPresent(f -> assertEquals(Set.of(TlsEndpointFront.s3Host(bucket.name(), AwsEmulator.REGION),
                TlsEndpointFront.serviceHost("ssm", AwsEmulator.REGION)), f.handshakes().stream()
                .map(TlsEndpointFront.Handshake::serverName).collect(Collectors.toSet()),
                "S3 and SSM reached by their production names over TLS"));
    }

    @Test
    void a_configuration_with_several_problems_fails_init_naming_each() throws Exception {
        Map<String, String> env = environment();
        env.remove("AUDITDRAIN_DATABASE_URL_PARAMETER");
        env.put("AUDITDRAIN_APP", "Not_An_App");
        env.put("AUDITDRAIN_APP_DATABASE_URL", "postgres://raptor_app:in-the-config@db:5432/d");
        try (LambdaRuntimeApi api = LambdaRuntimeApi.start("arn:aws:lambda:us-east-1:123456789012:function:broken");
             LambdaExecutionEnvironment failing = start(api, env)) {
            LambdaRuntimeApi.RuntimeError error = api.awaitInitError(Duration.ofSeconds(60));
            assertTrue(error.body().contains("AUDITDRAIN_DATABASE_URL_PARAMETER"), error.body());
            assertTrue(error.body().contains("AUDITDRAIN_APP must be"), error.body());
            assertTrue(error.body().contains("AUDITDRAIN_APP_DATABASE_URL must not be set"), error.body());
            assertFalse(error.body().contains("in-the-config"), error.body());
            int exit = failing.awaitExit(Duration.ofSeconds(30));
            assertNotEquals(-1, exit, "the runtime kept running after its init error");
        }
    }
}
