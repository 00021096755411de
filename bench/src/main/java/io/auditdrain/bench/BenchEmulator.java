package io.auditdrain.bench;

import io.auditdrain.testing.AwsEmulator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/** The harnesses' S3/SSM emulator: clients for it, and a bucket plus one app's secret, as a deployment has them. */
final class BenchEmulator {

    private BenchEmulator() {
    }

    /** A builder for an S3 client of the emulator (callers may add interceptors before building). */
    static S3ClientBuilder s3(AwsEmulator emulator) {
        return S3Client.builder().endpointOverride(emulator.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(credentials());
    }

    /** Wipes the emulator, then creates a versioned bucket and {@code <prefix>/<app>/secret}. */
    static void prepare(AwsEmulator emulator, String bucket, String prefix, String app, String secret) {
        emulator.reset();
        try (S3Client s3 = s3(emulator).build();
             SsmClient ssm = SsmClient.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(credentials()).build()) {
            s3.createBucket(r -> r.bucket(bucket));
            s3.putBucketVersioning(r -> r.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
            ssm.putParameter(r -> r.name(prefix + "/" + app + "/secret").value(secret)
                    .type(ParameterType.SECURE_STRING));
        }
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(AwsEmulator.ACCESS_KEY,
                AwsEmulator.SECRET_KEY));
    }
}
