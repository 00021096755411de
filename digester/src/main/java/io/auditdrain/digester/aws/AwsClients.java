package io.auditdrain.digester.aws;

import io.auditdrain.digester.DigesterConfig;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;

/** The digester's S3 and KMS clients, built once per execution environment over one small HTTP client. */
public final class AwsClients implements AutoCloseable {

    private final SdkHttpClient http = UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(Duration.ofSeconds(30))
            .build();
    private final S3Client s3;
    private final KmsClient kms;

    public AwsClients(DigesterConfig config) {
        Region region = Region.of(config.region());
        AwsCredentialsProvider credentials = System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null
                ? EnvironmentVariableCredentialsProvider.create()
                : DefaultCredentialsProvider.builder().build();
        var s3Builder = S3Client.builder().region(region).credentialsProvider(credentials).httpClient(http)
                // The digest PUT carries its own SHA-256; nothing is added on top and no trailer encoding is used.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        config.endpoint().ifPresent(e -> s3Builder.endpointOverride(e).forcePathStyle(true));
        s3 = s3Builder.build();
        var kmsBuilder = KmsClient.builder().region(region).credentialsProvider(credentials).httpClient(http);
        config.endpoint().ifPresent(kmsBuilder::endpointOverride);
        kms = kmsBuilder.build();
    }

    public S3Client s3() {
        return s3;
    }

    public KmsClient kms() {
        return kms;
    }

    @Override
    public void close() {
        s3.close();
        kms.close();
        http.close();
    }
}
