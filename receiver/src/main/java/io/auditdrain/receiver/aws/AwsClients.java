package io.auditdrain.receiver.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The receiver's SDK clients, built once per execution environment, sharing one small HTTP client (URL connection:
 * smaller and quicker to start than Apache's or Netty's).
 *
 * <p>Credentials, where the function runs:
 * <ul>
 *   <li>In Lambda, only the two ways Lambda hands a function its role: access keys in the environment (on-demand
 *       environments), then the container credentials endpoint ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI} with
 *       {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}), which is all a SnapStart environment gets, since keys in its
 *       environment would be frozen into the snapshot. Nothing else is tried: no profile file, no instance metadata
 *       (whose timeouts would eat the request's deadline). Neither present: every call fails and the request is
 *       answered 503 (fail closed).</li>
 *   <li>Elsewhere (the local server), the SDK's default chain: environment, profile, SSO, container, instance.</li>
 * </ul>
 * Credentials are resolved on the first call, never at init, so a SnapStart snapshot holds none.
 */
public final class AwsClients implements AutoCloseable {

    /** Per attempt; the request's deadline bounds the whole call, retries included. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(3);

    private final Region region;
    private final Optional<URI> endpoint;
    private final Priming priming = new Priming();
    private final PrimingCredentialsProvider credentials;
    private final PrimingHttpClient http;

    public AwsClients(String region, Optional<URI> endpoint, Map<String, String> environment) {
        this.region = Region.of(region);
        this.endpoint = endpoint;
        this.credentials = new PrimingCredentialsProvider(credentialsProvider(environment), priming);
        this.http = new PrimingHttpClient(UrlConnectionHttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT)
                .socketTimeout(SOCKET_TIMEOUT)
                .build(), priming);
    }

    /** The chain described above, chosen by whether the process runs in Lambda. */
    static AwsCredentialsProvider credentialsProvider(Map<String, String> environment) {
        if (environment.get("AWS_LAMBDA_FUNCTION_NAME") == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        return AwsCredentialsProviderChain.builder()
                .reuseLastProviderEnabled(true)
                .credentialsProviders(EnvironmentVariableCredentialsProvider.create(),
                        ContainerCredentialsProvider.builder().build())
                .build();
    }

    public S3Client s3() {
        var builder = S3Client.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(http)
                // We send our own CRC32C; no SDK-computed checksum on top of it, and no trailer encoding.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        endpoint.ifPresent(e -> builder.endpointOverride(e).forcePathStyle(true));
        return builder.build();
    }

    public SsmClient ssm() {
        var builder = SsmClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(http);
        endpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** Runs calls through these clients without network or credentials, before a snapshot. */
    public Priming priming() {
        return priming;
    }

    @Override
    public void close() {
        http.close();
        try {
            credentials.close();
        } catch (Exception ignored) {
            // shutting down
        }
    }
}
