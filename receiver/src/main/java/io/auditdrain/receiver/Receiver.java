package io.auditdrain.receiver;

import io.auditdrain.core.StoreLocation;
import io.auditdrain.receiver.auth.CredentialCache;
import io.auditdrain.receiver.auth.CredentialSource;
import io.auditdrain.receiver.auth.DrainAuthenticator;
import io.auditdrain.receiver.auth.PropertiesFileCredentialSource;
import io.auditdrain.receiver.auth.SsmCredentialSource;
import io.auditdrain.receiver.config.CredentialsLocation;
import io.auditdrain.receiver.config.ReceiverConfig;
import io.auditdrain.receiver.ingest.BatchEncoder;
import io.auditdrain.receiver.ingest.DrainRequestHandler;
import io.auditdrain.receiver.store.DirectoryObjectStore;
import io.auditdrain.receiver.store.ObjectStore;
import io.auditdrain.receiver.store.S3ObjectStore;
import io.auditdrain.receiver.telemetry.RequestLog;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The receiver assembled from its configuration: store, credential source and cache, request handler. Both adapters
 * (Lambda, local server) build exactly one, at start, and hand every request to {@link #handler()}.
 */
public final class Receiver implements AutoCloseable {

    /**
     * Logplex waits about 5 s for an answer. An S3 or SSM call (with the SDK's retries) that has not finished within
     * this budget is abandoned, so that the request is answered 5xx and retried rather than timing out.
     */
    static final Duration API_CALL_TIMEOUT = Duration.ofMillis(3_500);

    private final DrainRequestHandler handler;
    private final CredentialCache credentials;
    private final List<AutoCloseable> resources;

    private Receiver(DrainRequestHandler handler, CredentialCache credentials, List<AutoCloseable> resources) {
        this.handler = handler;
        this.credentials = credentials;
        this.resources = resources;
    }

    public static Receiver create(ReceiverConfig config, PrintStream logOut) {
        List<AutoCloseable> resources = new ArrayList<>();
        AwsClients aws = new AwsClients(config, resources);
        ObjectStore store = config.store() instanceof StoreLocation.S3Bucket s3
                ? new S3ObjectStore(aws.s3(), s3.bucket())
                : new DirectoryObjectStore(((StoreLocation.Directory) config.store()).path());
        CredentialSource source = config.credentials() instanceof CredentialsLocation.Ssm ssm
                ? new SsmCredentialSource(aws.ssm(), ssm.prefix())
                : new PropertiesFileCredentialSource(((CredentialsLocation.PropertiesFile) config.credentials()).path());
        CredentialCache cache = new CredentialCache(source, config.credentialsTtl());
        ThreadLocal<BatchEncoder> encoders = ThreadLocal.withInitial(() -> new BatchEncoder(config.gzipLevel()));
        RequestLog log = new RequestLog(logOut, config.metricsNamespace(), System::currentTimeMillis);
        DrainRequestHandler handler = new DrainRequestHandler(new DrainAuthenticator(cache), store, encoders::get, log,
                config.healthPath());
        return new Receiver(handler, cache, resources);
    }

    public DrainRequestHandler handler() {
        return handler;
    }

    public CredentialCache credentials() {
        return credentials;
    }

    @Override
    public void close() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // closing at shutdown: nothing left to do about it
            }
        }
    }

    /** SDK clients, built only for what the configuration uses, sharing one small HTTP client. */
    private static final class AwsClients {
        private final ReceiverConfig config;
        private final List<AutoCloseable> resources;
        private SdkHttpClient http;

        AwsClients(ReceiverConfig config, List<AutoCloseable> resources) {
            this.config = config;
            this.resources = resources;
        }

        S3Client s3() {
            var builder = S3Client.builder()
                    .region(region())
                    .credentialsProvider(credentialsProvider())
                    .httpClient(http())
                    .overrideConfiguration(overrides())
                    // We send our own CRC32C; no SDK-computed checksum on top of it, and no trailer encoding.
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            config.endpoint().ifPresent(e -> builder.endpointOverride(e).forcePathStyle(true));
            S3Client client = builder.build();
            resources.add(client);
            return client;
        }

        SsmClient ssm() {
            var builder = SsmClient.builder()
                    .region(region())
                    .credentialsProvider(credentialsProvider())
                    .httpClient(http())
                    .overrideConfiguration(overrides());
            config.endpoint().ifPresent(builder::endpointOverride);
            SsmClient client = builder.build();
            resources.add(client);
            return client;
        }

        private Region region() {
            return Region.of(config.region().orElseThrow());
        }

        private SdkHttpClient http() {
            if (http == null) {
                http = UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(3))
                        .build();
                resources.add(http);
            }
            return http;
        }

        private static ClientOverrideConfiguration overrides() {
            return ClientOverrideConfiguration.builder().apiCallTimeout(API_CALL_TIMEOUT).build();
        }

        /** In Lambda the credentials are in the environment; reading them there skips the whole provider chain. */
        private static AwsCredentialsProvider credentialsProvider() {
            return System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null
                    ? EnvironmentVariableCredentialsProvider.create()
                    : DefaultCredentialsProvider.builder().build();
        }
    }
}
