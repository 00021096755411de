package io.auditdrain.receiver.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.testing.FaultProxy;
import io.auditdrain.testing.MotoServer;
import io.auditdrain.testing.lambda.ContainerCredentialsEndpoint;
import io.auditdrain.testing.lambda.FunctionUrlResponse;
import io.auditdrain.testing.lambda.LambdaExecutionEnvironment;
import io.auditdrain.testing.lambda.LambdaRuntimeApi;
import io.auditdrain.testing.lambda.TerraformModule;
import io.auditdrain.testing.lambda.TlsEndpointFront;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The receiver as Terraform deploys it, on this machine: the shaded jar, run by AWS's runtime interface client in an
 * execution environment set up and sized as Lambda's (see {@link LambdaExecutionEnvironment}), with the handler,
 * memory, timeout and JAVA_TOOL_OPTIONS read from terraform/, and the AWS APIs of moto on loopback behind a {@link
 * FaultProxy}, reached as in production: no endpoint override, the SDK's own endpoint names ({@code
 * <bucket>.s3.amazonaws.com}, {@code ssm.us-east-1.amazonaws.com}) resolved to a {@link TlsEndpointFront} and spoken
 * to over TLS. (Where port 443 cannot be bound, the harness says so and the function gets {@code AWS_ENDPOINT_URL}.)
 *
 * <p>moto runs with authentication on, as AWS does: every request must be signed with the keys of a principal whose
 * policies allow it, and an assumed role's requests must carry its session token. The function's role is assumed
 * through STS, the way Lambda gets a function its credentials; its S3 permission is the module's own (PutObject on
 * {@code logs/*} only: moto checks S3 object ARNs). moto checks SSM actions against the resource "*" only, so the
 * role's SSM statement names "*" here; the deployed policy names the app parameters (terraform/iam.tf, checked by
 * terraform test and scripts/check-deploy).
 */
final class DeployedReceiver implements AutoCloseable {

    static final String BUCKET = "auditdrain-runtime-test";
    static final String PREFIX = "/auditdrain/apps";
    static final String APP = "acme-api-prod";
    static final String SECRET = "c2VjcmV0LW9mLWFjbWUtYXBpLXByb2QtMTIzNDU2Nzg";
    static final String ROLE = "auditdrain-receiver";
    private static final String ACCOUNT = "123456789012";

    private final MotoServer moto = MotoServer.start();
    private final FaultProxy proxy = FaultProxy.start(moto.endpoint());
    private final Optional<TlsEndpointFront> front = TlsEndpointFront.start(List.of(
            TlsEndpointFront.s3Host(BUCKET, AwsEmulator.REGION), TlsEndpointFront.serviceHost("ssm", AwsEmulator.REGION)),
            proxy.endpoint());
    private final StaticCredentialsProvider admin;
    private final S3Client s3;
    private final SsmClient ssm;
    private final StsClient sts;
    private final TerraformModule terraform = TerraformModule.ofRepository();

    DeployedReceiver() {
        StaticCredentialsProvider setup = StaticCredentialsProvider.create(AwsBasicCredentials.create("setup", "setup"));
        try (IamClient iam = IamClient.builder().endpointOverride(moto.endpoint()).region(Region.AWS_GLOBAL)
                .credentialsProvider(setup).build()) {
            iam.createUser(r -> r.userName("test-admin"));
            iam.putUserPolicy(r -> r.userName("test-admin").policyName("everything").policyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
            AccessKey key = iam.createAccessKey(r -> r.userName("test-admin")).accessKey();
            admin = StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()));
            iam.createRole(r -> r.roleName(ROLE).assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":"
                    + "[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\",\"AWS\":"
                    + "\"arn:aws:iam::" + ACCOUNT + ":user/test-admin\"},\"Action\":\"sts:AssumeRole\"}]}"));
            iam.putRolePolicy(r -> r.roleName(ROLE).policyName(ROLE).policyDocument("{\"Version\":\"2012-10-17\","
                    + "\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:PutObject\"],\"Resource\":"
                    + "[\"arn:aws:s3:::" + BUCKET + "/logs/*\"]},{\"Effect\":\"Allow\",\"Action\":"
                    + "[\"ssm:GetParameters\"],\"Resource\":\"*\"}]}"));
        }
        moto.enableAuthentication();
        s3 = S3Client.builder().endpointOverride(moto.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(admin).build();
        ssm = SsmClient.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(admin).build();
        sts = StsClient.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(admin).build();
        s3.createBucket(r -> r.bucket(BUCKET));
        s3.putBucketVersioning(r -> r.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
        ssm.putParameter(r -> r.name(PREFIX + "/" + APP + "/secret").value(SECRET).type(ParameterType.SECURE_STRING));
    }

    /** Temporary credentials of the function's role, from a new role session (as Lambda gets them). */
    Credentials roleSession() {
        return sts.assumeRole(r -> r.roleArn("arn:aws:iam::" + ACCOUNT + ":role/" + ROLE)
                .roleSessionName("receiver-" + System.nanoTime())).credentials();
    }

    /** A container credentials endpoint serving role sessions that it reports as expiring after {@code lifetime}. */
    ContainerCredentialsEndpoint containerCredentials(Duration lifetime) {
        return ContainerCredentialsEndpoint.start(() -> {
            Credentials session = roleSession();
            return new ContainerCredentialsEndpoint.Credentials(session.accessKeyId(), session.secretAccessKey(),
                    session.sessionToken(), Instant.now().plus(lifetime));
        });
    }

    /** The function's configuration as terraform/ sets it, with the receiver's environment for this bucket. */
    LambdaExecutionEnvironment.FunctionConfiguration function() {
        return function(environment());
    }

    LambdaExecutionEnvironment.FunctionConfiguration function(Map<String, String> environment) {
        return new LambdaExecutionEnvironment.FunctionConfiguration("auditdrain",
                terraform.attribute("aws_lambda_function", "receiver", "handler"),
                Integer.parseInt(terraform.variableDefault("memory_mb")),
                Duration.ofSeconds(Long.parseLong(terraform.variableDefault("timeout_seconds"))),
                AwsEmulator.REGION, environment);
    }

    /**
     * What terraform/function.tf puts in the function's environment; plus the emulator's endpoint only where the
     * production names cannot be served here.
     */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AUDITDRAIN_STORE", "s3://" + BUCKET);
        env.put("AUDITDRAIN_CREDENTIALS", "ssm:" + PREFIX);
        env.put("AUDITDRAIN_CREDENTIALS_TTL_SECONDS", terraform.variableDefault("credentials_ttl_seconds"));
        env.put("AUDITDRAIN_GZIP_LEVEL", terraform.variableDefault("gzip_level"));
        env.put("AUDITDRAIN_METRICS_NAMESPACE", terraform.variableDefault("metrics_namespace"));
        env.put("JAVA_TOOL_OPTIONS", terraform.variableDefault("java_tool_options"));
        if (front.isEmpty()) {
            env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
        }
        return env;
    }

    /** Starts an execution environment of the shipped jar with {@code credentials}. */
    LambdaExecutionEnvironment start(LambdaRuntimeApi api, LambdaExecutionEnvironment.Credentials credentials,
                                     LambdaExecutionEnvironment.FunctionConfiguration function) {
        Path jar = Path.of(System.getProperty("auditdrain.receiver.jar", "target/auditdrain-receiver.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no receiver jar at " + jar + ": the tests run after `package`");
        }
        return LambdaExecutionEnvironment.start(jar, function, credentials, api,
                front.map(TlsEndpointFront::jvmOptions).orElse(List.of()));
    }

    /** The TLS front serving AWS's production names, where this machine allows one. */
    Optional<TlsEndpointFront> front() {
        return front;
    }

    S3Client s3() {
        return s3;
    }

    /**
     * The drained objects of the app: the health probe's object is no app's. Filtered here rather than listed with a
     * prefix, because moto's signature check refuses a listing whose prefix holds a slash (AWS accepts it).
     */
    List<software.amazon.awssdk.services.s3.model.S3Object> appObjects() {
        return s3.listObjectsV2(r -> r.bucket(BUCKET)).contents().stream()
                .filter(o -> o.key().startsWith("logs/" + APP + "/")).toList();
    }

    SsmClient ssm() {
        return ssm;
    }

    FaultProxy proxy() {
        return proxy;
    }

    @Override
    public void close() {
        front.ifPresent(TlsEndpointFront::close);
        s3.close();
        ssm.close();
        sts.close();
        proxy.close();
        moto.close();
    }

    /** Closes what a test class started, in this order, skipping what never started. */
    static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            if (resource != null) {
                try {
                    resource.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + resource, e);
                }
            }
        }
    }

    static FunctionUrlResponse invoke(LambdaRuntimeApi api, byte[] event, Duration timeout) {
        try {
            return FunctionUrlResponse.of(api.invoke(event, timeout));
        } catch (TimeoutException e) {
            throw new AssertionError("the function did not answer within its timeout " + timeout, e);
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, UTF_8);
    }

    static List<String> lines(String output) {
        return Arrays.asList(output.split("\n"));
    }
}
