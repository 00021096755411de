package io.auditdrain.digester.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.ObjectKey;
import io.auditdrain.digest.DigestInterval;
import io.auditdrain.digest.DigestLayout;
import io.auditdrain.digest.DigestVerifier;
import io.auditdrain.digest.SignedDigest;
import io.auditdrain.testing.MotoServer;
import io.auditdrain.testing.lambda.LambdaExecutionEnvironment;
import io.auditdrain.testing.lambda.LambdaRuntimeApi;
import io.auditdrain.testing.lambda.TerraformModule;
import io.auditdrain.testing.lambda.TlsEndpointFront;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The shipped digester jar under AWS's runtime interface client, in an execution environment set up and sized as
 * Lambda's (handler and memory from terraform/digests.tf), reaching S3 and KMS by their production names over TLS
 * ({@code <bucket>.s3.amazonaws.com}, {@code kms.us-east-1.amazonaws.com}, no endpoint override): a scheduled event
 * closes the due hours; and the function's role, assumed through STS against moto with authentication on, can do what
 * the digester needs and not more.
 *
 * <p>Two moto servers: with authentication on, moto 5.2 computes a wrong SigV4 signature for any query value that
 * holds a '/' (ListObjectsV2 with {@code Prefix=logs/}, boto3 gets the same SignatureDoesNotMatch), so the digester
 * runs against one without authentication, and the role's permissions are checked on one with it, through the
 * calls moto can sign: object reads, writes and deletes, and kms:Sign. moto checks S3 actions against object ARNs,
 * as AWS does, and other services' actions against the resource "*" only, so the role's kms:Sign statement names
 * "*" here; the deployed policy names the key (terraform/digests.tf, checked by terraform test and
 * scripts/check-deploy). moto does not evaluate the s3:if-none-match condition either.
 */
class DigesterRuntimeIT {

    private static final String BUCKET = "auditdrain-digester-runtime";
    private static final String ROLE = "auditdrain-digester";
    private static final String ACCOUNT = "123456789012";
    private static final String APP = "acme-api-prod";
    private static final String EVENT = "{\"version\":\"0\",\"id\":\"7bf73129-1428-4cd3-a780-95db273d1602\","
            + "\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"account\":\"123456789012\","
            + "\"time\":\"2026-03-14T12:05:00Z\",\"region\":\"us-east-1\",\"resources\":"
            + "[\"arn:aws:events:us-east-1:123456789012:rule/auditdrain-digester\"],\"detail\":{}}";

    private static final TerraformModule TERRAFORM = TerraformModule.ofRepository();
    private static final Instant OBJECT_TIME = Instant.now().minus(Duration.ofHours(3));

    private static MotoServer moto;
    private static Optional<TlsEndpointFront> front;
    private static S3Client s3;
    private static KmsClient kms;
    private static String keyArn;
    private static String objectKey;

    private static MotoServer guarded;
    private static S3Client guardedS3;
    private static KmsClient guardedKms;
    private static StsClient sts;
    private static String guardedKeyArn;

    @BeforeAll
    static void deploy() {
        moto = MotoServer.start();
        StaticCredentialsProvider any = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        s3 = s3(moto, any);
        kms = kms(moto, any);
        s3.createBucket(r -> r.bucket(BUCKET));
        s3.putBucketVersioning(r -> r.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
        keyArn = kms.createKey(r -> r.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY)).keyMetadata()
                .arn();
        // An object three hours ago: its hour and the next are closed by now (10 minutes' grace).
        objectKey = new ObjectKey(APP, OBJECT_TIME.toEpochMilli(), UUID.randomUUID()).toString();
        s3.putObject(r -> r.bucket(BUCKET).key(objectKey).contentType("text/plain; charset=utf-8"),
                RequestBody.fromString("not even gzip: the digester hashes whatever is stored"));

        guarded = MotoServer.start();
        StaticCredentialsProvider setup = StaticCredentialsProvider.create(AwsBasicCredentials.create("setup", "setup"));
        StaticCredentialsProvider admin;
        try (IamClient iam = IamClient.builder().endpointOverride(guarded.endpoint()).region(Region.AWS_GLOBAL)
                .credentialsProvider(setup).build()) {
            iam.createUser(r -> r.userName("test-admin"));
            iam.putUserPolicy(r -> r.userName("test-admin").policyName("everything").policyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
            AccessKey key = iam.createAccessKey(r -> r.userName("test-admin")).accessKey();
            admin = StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()));
            iam.createRole(r -> r.roleName(ROLE).assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":"
                    + "[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\",\"AWS\":"
                    + "\"arn:aws:iam::" + ACCOUNT + ":user/test-admin\"},\"Action\":\"sts:AssumeRole\"}]}"));
            String bucket = "arn:aws:s3:::" + BUCKET;
            iam.putRolePolicy(r -> r.roleName(ROLE).policyName(ROLE).policyDocument("{\"Version\":\"2012-10-17\","
                    + "\"Statement\":["
                    + "{\"Effect\":\"Allow\",\"Action\":[\"s3:ListBucket\",\"s3:ListBucketVersions\"],\"Resource\":[\""
                    + bucket + "\"]},"
                    + "{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:GetObjectVersion\"],\"Resource\":[\""
                    + bucket + "/logs/*\",\""
                    + bucket + "/proof/*\",\""
                    + bucket + "/digests/*\"]},"
                    + "{\"Effect\":\"Allow\",\"Action\":[\"s3:PutObject\"],\"Resource\":[\"" + bucket + "/digests/*\"]},"
                    + "{\"Effect\":\"Allow\",\"Action\":[\"kms:Sign\"],\"Resource\":\"*\"}]}"));
        }
        guarded.enableAuthentication();
        guardedS3 = s3(guarded, admin);
        guardedKms = kms(guarded, admin);
        sts = StsClient.builder().endpointOverride(guarded.endpoint()).region(Region.US_EAST_1).credentialsProvider(admin)
                .build();
        guardedS3.createBucket(r -> r.bucket(BUCKET));
        guardedS3.putBucketVersioning(r -> r.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
        guardedS3.putObject(r -> r.bucket(BUCKET).key(objectKey), RequestBody.fromString("drained"));
        guardedKeyArn = guardedKms.createKey(r -> r.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY))
                .keyMetadata().arn();
        front = TlsEndpointFront.start(List.of(TlsEndpointFront.s3Host(BUCKET, "us-east-1"),
                TlsEndpointFront.serviceHost("kms", "us-east-1")), moto.endpoint());
    }

    @AfterAll
    static void stop() {
        if (front != null) {
            front.ifPresent(TlsEndpointFront::close);
        }
        for (AutoCloseable c : new AutoCloseable[] {s3, kms, moto, guardedS3, guardedKms, sts, guarded}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing after the tests
            }
        }
    }

    private static S3Client s3(MotoServer server, AwsCredentialsProvider c) {
        return S3Client.builder().endpointOverride(server.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(c).build();
    }

    private static KmsClient kms(MotoServer server, AwsCredentialsProvider c) {
        return KmsClient.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1).credentialsProvider(c)
                .build();
    }

    private static Credentials roleSession() {
        return sts.assumeRole(r -> r.roleArn("arn:aws:iam::" + ACCOUNT + ":role/" + ROLE)
                .roleSessionName("digester-" + System.nanoTime())).credentials();
    }

    private static LambdaExecutionEnvironment.FunctionConfiguration function(Map<String, String> environment) {
        return new LambdaExecutionEnvironment.FunctionConfiguration("auditdrain-digester",
                TERRAFORM.attribute("aws_lambda_function", "digester", "handler"),
                (int) TERRAFORM.number("aws_lambda_function", "digester", "memory_size"),
                Duration.ofSeconds(TERRAFORM.number("aws_lambda_function", "digester", "timeout")), "us-east-1",
                environment);
    }

    /**
     * What terraform/digests.tf puts in the function's environment; plus the emulator's endpoint only where the
     * production names cannot be served here.
     */
    private static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AUDITDRAIN_STORE", "s3://" + BUCKET);
        env.put("AUDITDRAIN_DIGEST_KEY_ID", keyArn);
        env.put("AUDITDRAIN_DIGEST_INTERVAL_MINUTES", TERRAFORM.variableDefault("digest_interval_minutes"));
        env.put("AUDITDRAIN_DIGEST_GRACE_MINUTES", TERRAFORM.variableDefault("digest_grace_minutes"));
        env.put("AUDITDRAIN_DIGEST_LATE_WINDOW_HOURS", TERRAFORM.variableDefault("digest_late_window_hours"));
        env.put("AUDITDRAIN_DIGEST_APPS", APP);
        env.put("AUDITDRAIN_METRICS_NAMESPACE", TERRAFORM.variableDefault("metrics_namespace"));
        env.put("JAVA_TOOL_OPTIONS", TERRAFORM.variableDefault("java_tool_options"));
        if (front.isEmpty()) {
            env.put("AWS_ENDPOINT_URL", moto.endpoint().toString());
        }
        return env;
    }

    private static LambdaExecutionEnvironment start(LambdaRuntimeApi api, Map<String, String> environment) {
        Path jar = Path.of(System.getProperty("auditdrain.digester.jar", "target/auditdrain-digester.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no digester jar at " + jar + ": the tests run after `package`");
        }
        return LambdaExecutionEnvironment.start(jar, function(environment),
                new LambdaExecutionEnvironment.Credentials.Static("ASIAEMULATOR", "emulator", "emulator"), api,
                front.map(TlsEndpointFront::jvmOptions).orElse(List.of()));
    }

    @Test
    void a_scheduled_event_closes_the_due_hours_with_digests_signed_by_the_role() throws Exception {
        try (LambdaRuntimeApi api = LambdaRuntimeApi.start(
                "arn:aws:lambda:us-east-1:123456789012:function:auditdrain-digester");
             LambdaExecutionEnvironment environment = start(api, environment())) {
            LambdaRuntimeApi.Outcome outcome = api.invoke(EVENT.getBytes(UTF_8), Duration.ofMinutes(5));

            assertTrue(outcome.succeeded(), outcome.error() + "\n" + environment.output());
            assertTrue(outcome.responseText().contains("\"event\":\"digest_run\""), outcome.responseText());
            assertTrue(environment.output().contains("\"level\":\"INFO\",\"event\":\"digest_run\""),
                    environment.output());
        }
        front.ifPresent(f -> assertEquals(Set.of(BUCKET + ".s3.amazonaws.com", "kms.us-east-1.amazonaws.com"),
                f.handshakes().stream().map(TlsEndpointFront.Handshake::serverName).collect(Collectors.toSet()),
                "S3 and KMS reached by their production names over TLS"));
        List<S3Object> digests = s3.listObjectsV2(r -> r.bucket(BUCKET).prefix(DigestLayout.appPrefix(APP)))
                .contents();
        assertTrue(digests.size() >= 2, "the object's hour and the next are due: " + digests);
        DigestVerifier verifier = new DigestVerifier(List.of(DigestVerifier.parsePublicKey(
                kms.getPublicKey(r -> r.keyId(keyArn)).publicKey().asByteArray())));
        SignedDigest first = SignedDigest.parse(s3.getObjectAsBytes(r -> r.bucket(BUCKET)
                .key(digests.get(0).key())).asByteArray());
        assertTrue(verifier.signatureValid(first));
        assertEquals(List.of(objectKey), first.digest().objects().stream().map(e -> e.key()).toList());
        assertEquals(DigestInterval.containing(OBJECT_TIME, Duration.ofHours(1)).start(),
                first.digest().interval().start(), "the chain starts at the app's first object");
    }

    @Test
    void the_role_may_read_logs_and_run_records_sign_and_create_digests_but_not_write_either_or_delete() {
        String record = "proof/" + APP + "/2026/03/14/1773489600000-5d7f0c1e-2b8a-4f51-9a8e-0c3d6f1b2a44.json";
        guardedS3.putObject(r -> r.bucket(BUCKET).key(record), RequestBody.fromString("{\"format\":1}"));
        Credentials session = roleSession();
        StaticCredentialsProvider role = StaticCredentialsProvider.create(AwsSessionCredentials.create(
                session.accessKeyId(), session.secretAccessKey(), session.sessionToken()));
        try (S3Client asRole = s3(guarded, role); KmsClient kmsAsRole = kms(guarded, role)) {
            assertEquals("drained", asRole.getObjectAsBytes(r -> r.bucket(BUCKET).key(objectKey)).asUtf8String());
            String version = guardedS3.headObject(r -> r.bucket(BUCKET).key(objectKey)).versionId();
            assertEquals("drained", asRole.getObjectAsBytes(r -> r.bucket(BUCKET).key(objectKey).versionId(version))
                    .asUtf8String(), "every version is read by its id");
            asRole.putObject(r -> r.bucket(BUCKET).key("digests/" + APP + "/2026/03/14/1200.jsonl").ifNoneMatch("*"),
                    RequestBody.fromString("a digest"));
            kmsAsRole.sign(r -> r.keyId(guardedKeyArn).message(SdkBytes.fromUtf8String("auditdrain-digest/1\n"))
                    .messageType(MessageType.RAW).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256));

            assertEquals("{\"format\":1}", asRole.getObjectAsBytes(r -> r.bucket(BUCKET).key(record)).asUtf8String(),
                    "run records are digested too");

            S3Exception put = assertThrows(S3Exception.class, () -> asRole.putObject(r -> r.bucket(BUCKET)
                    .key("logs/" + APP + "/2026/03/14/planted.gz"), RequestBody.fromString("planted")));
            assertEquals(403, put.statusCode());
            S3Exception putRecord = assertThrows(S3Exception.class, () -> asRole.putObject(r -> r.bucket(BUCKET)
                    .key("proof/" + APP + "/2026/03/14/planted.json"), RequestBody.fromString("{}")));
            assertEquals(403, putRecord.statusCode());
            S3Exception delete = assertThrows(S3Exception.class, () -> asRole.deleteObject(r -> r.bucket(BUCKET)
                    .key(objectKey)));
            assertEquals(403, delete.statusCode());
        }
    }

    @Test
    void a_configuration_with_several_problems_fails_init_naming_each() throws Exception {
        Map<String, String> env = new LinkedHashMap<>(environment());
        env.remove("AUDITDRAIN_DIGEST_KEY_ID");
        env.put("AUDITDRAIN_DIGEST_INTERVAL_MINUTES", "7");
        try (LambdaRuntimeApi api = LambdaRuntimeApi.start("arn:aws:lambda:us-east-1:123456789012:function:broken");
             LambdaExecutionEnvironment environment = start(api, env)) {
            LambdaRuntimeApi.RuntimeError error = api.awaitInitError(Duration.ofSeconds(60));
            assertTrue(error.body().contains("AUDITDRAIN_DIGEST_KEY_ID"), error.body());
            assertTrue(error.body().contains("AUDITDRAIN_DIGEST_INTERVAL_MINUTES"), error.body());
            assertTrue(environment.awaitExit(Duration.ofSeconds(30)) != 0);
        }
    }
}
