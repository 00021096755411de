package io.auditdrain.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.testing.lambda.TerraformModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The Lambda door: the shipped jar in a SnapStart-style environment behind the Function URL front. Batches from two
 * senders reach it over HTTP, one invocation per attempt (the second sender waits for the one environment), and are
 * stored once; the environment writes one request log line per invocation.
 */
class LambdaDoorIT {

    private static final String BUCKET = "lambda-door-it";
    private static final String PREFIX = "/lambda-door-it/apps";
    private static final String APP = "lambda-door-app";
    private static final String SECRET = "lambda-door-secret-0123456789";

    @Test
    void batches_through_the_front_are_stored_once_with_one_invocation_and_one_log_line_per_attempt()
            throws Exception {
        AwsEmulator emulator = AwsEmulator.shared();
        emulator.reset();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(AwsEmulator.ACCESS_KEY,
                AwsEmulator.SECRET_KEY));
        Path root = Path.of(System.getProperty("auditdrain.root", ".."));
        Path logs = Files.createTempDirectory("lambda-door-it-");
        try (S3Client s3 = S3Client.builder().endpointOverride(emulator.endpoint()).forcePathStyle(true)
                     .region(Region.US_EAST_1).credentialsProvider(credentials).build();
             SsmClient ssm = SsmClient.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(credentials).build()) {
            s3.createBucket(r -> r.bucket(BUCKET));
            s3.putBucketVersioning(r -> r.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
            ssm.putParameter(r -> r.name(PREFIX + "/" + APP + "/secret").value(SECRET)
                    .type(ParameterType.SECURE_STRING));
            List<SenderFleet.Delivery> deliveries;
            Map<String, Long> counters;
            try (LambdaDoor door = LambdaDoor.start(root.resolve("receiver/target/auditdrain-receiver.jar"),
                    TerraformModule.at(root.resolve("terraform")), Door.receiverEnvironment(emulator.endpoint(),
                            BUCKET, PREFIX, List.of(APP)), 1, logs)) {
                deliveries = SenderFleet.run(door.endpoint(), APP, SECRET, 2, Duration.ofSeconds(3),
                        Duration.ofMillis(100), new MarkedBatches(APP));
                counters = door.counters();
            }
            Tally tally = Tally.of(deliveries, ArchiveCensus.take(s3, BUCKET, APP));
            assertTrue(tally.batches() >= 4, "batches: " + tally.batches());
            assertEquals(tally.batches(), tally.acknowledgedStored());
            assertEquals(0, tally.duplicated());
            assertEquals((long) tally.attempts(), counters.get("invocations"));
            assertEquals(counters.get("invocations"), counters.get("request log lines (drain_request)"));
            assertEquals(0L, counters.get("throttled (429, no idle environment)"));
            assertTrue(Files.readString(logs.resolve("lambda-environment-1.log")).contains("\"phase\":\"after_restore\""),
                    "the environment was restored from its snapshot");
        }
    }
}
