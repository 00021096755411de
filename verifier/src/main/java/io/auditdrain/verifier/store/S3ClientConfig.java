package io.auditdrain.verifier.store;

import io.auditdrain.verifier.ConfigurationException;
import io.auditdrain.verifier.Environment;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * How to reach S3, from the environment: {@code AWS_REGION} (or {@code AWS_DEFAULT_REGION}, or the SDK's profile),
 * credentials from {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}/{@code AWS_SESSION_TOKEN} or else the SDK's
 * default chain (profiles, SSO, instance roles), and {@code AWS_ENDPOINT_URL} for an emulator (path-style addressing).
 */
public record S3ClientConfig(Region region, Optional<URI> endpoint, AwsCredentialsProvider credentials) {

    public static S3ClientConfig fromEnvironment(Environment env) {
        return new S3ClientConfig(region(env), endpoint(env, "AWS_ENDPOINT_URL_S3"), credentials(env));
    }

    /** {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}, else the SDK's profile. */
    public static Region region(Environment env) {
        return env.get("AWS_REGION").or(() -> env.get("AWS_DEFAULT_REGION")).map(Region::of)
                .orElseGet(S3ClientConfig::regionFromProfile);
    }

    /** The service's own endpoint variable (e.g. {@code AWS_ENDPOINT_URL_S3}), else {@code AWS_ENDPOINT_URL}. */
    public static Optional<URI> endpoint(Environment env, String serviceVariable) {
        return env.get(serviceVariable).or(() -> env.get("AWS_ENDPOINT_URL")).map(v -> {
            URI uri = URI.create(v);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new ConfigurationException("AWS_ENDPOINT_URL must be a URL such as http://127.0.0.1:5000");
            }
            return uri;
        });
    }

    /** The static credentials in the environment, else the SDK's default chain. */
    public static AwsCredentialsProvider credentials(Environment env) {
        Optional<String> key = env.get("AWS_ACCESS_KEY_ID");
        Optional<String> secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (key.isPresent() && secret.isPresent()) {
            Optional<String> token = env.get("AWS_SESSION_TOKEN");
            return StaticCredentialsProvider.create(token.isPresent()
                    ? AwsSessionCredentials.create(key.get(), secret.get(), token.get())
                    : AwsBasicCredentials.create(key.get(), secret.get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    public S3Client build() {
        var builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60))
                        .build())
                .region(region)
                .credentialsProvider(credentials);
        endpoint.ifPresent(uri -> builder.endpointOverride(uri).forcePathStyle(true));
        return builder.build();
    }

    private static Region regionFromProfile() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            throw new ConfigurationException("no AWS region: set AWS_REGION (the bucket's region)");
        }
    }
}
