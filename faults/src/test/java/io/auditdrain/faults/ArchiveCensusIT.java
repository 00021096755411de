package io.auditdrain.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.testing.AwsEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The census against what the receiver really writes (the local door, a fleet of senders, moto): with nothing done
 * behind the receiver's back it counts every batch stored once; then each kind of damage done to the bucket by hand
 * is counted where it belongs, so a suite that reports LOST=0 and DUPLICATED=0 could have reported otherwise.
 */
class ArchiveCensusIT {

    private static final String BUCKET = "census-it";
    private static final String PREFIX = "/census-it/apps";
    private static final String APP = "census-app";
    private static final String SECRET = "census-secret-0123456789";

    private AwsEmulator emulator;
    private S3Client s3;
    private Path log;

    @BeforeEach
    void prepare() throws Exception {
        emulator = AwsEmulator.shared();
        emulator.reset();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(AwsEmulator.ACCESS_KEY,
                AwsEmulator.SECRET_KEY));
        s3 = S3Client.builder().endpointOverride(emulator.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
        s3.createBucket(r -> r.bucket(BUCKET));
        s3.putBucketVersioning(r -> r.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
        try (SsmClient ssm = SsmClient.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build()) {
            ssm.putParameter(r -> r.name(PREFIX + "/" + APP + "/secret").value(SECRET)
                    .type(ParameterType.SECURE_STRING));
        }
        log = Files.createTempFile("census-it-", ".log");
    }

    @AfterEach
    void close() throws Exception {
        s3.close();
        Files.deleteIfExists(log);
    }

    @Test
    void every_batch_the_receiver_acknowledged_is_found_once_and_each_damage_is_counted() throws Exception {
        List<SenderFleet.Delivery> deliveries;
        try (LocalDoor door = LocalDoor.start(Door.receiverEnvironment(emulator.endpoint(), BUCKET, PREFIX,
                List.of(APP)), log)) {
            deliveries = SenderFleet.run(door.endpoint(), APP, SECRET, 4, Duration.ofSeconds(2),
                    Duration.ofMillis(100), new MarkedBatches(APP));
        }
        Tally clean = Tally.of(deliveries, ArchiveCensus.take(s3, BUCKET, APP));
        assertTrue(clean.batches() >= 8, "batches: " + clean.batches());
        assertEquals(clean.batches(), clean.acknowledged());
        assertEquals(clean.batches(), clean.acknowledgedStored());
        assertEquals(0, clean.lost());
        assertEquals(0, clean.duplicated());
        assertEquals(Map.of(200, clean.batches()), clean.statuses());

        ArchiveCensus census = ArchiveCensus.take(s3, BUCKET, APP);
        String deleted = keyOf(census, deliveries.get(0));
        String copied = keyOf(census, deliveries.get(1));
        String overwritten = keyOf(census, deliveries.get(2));
        s3.deleteObject(r -> r.bucket(BUCKET).key(deleted));
        s3.copyObject(r -> r.sourceBucket(BUCKET).sourceKey(copied).destinationBucket(BUCKET)
                .destinationKey(copied.replace(".gz", "-copy.gz")));
        s3.copyObject(r -> r.sourceBucket(BUCKET).sourceKey(overwritten).destinationBucket(BUCKET)
                .destinationKey(overwritten).metadataDirective("REPLACE").contentType("text/plain")
                .contentEncoding("gzip"));

        Tally damaged = Tally.of(deliveries, ArchiveCensus.take(s3, BUCKET, APP));
        assertEquals(1, damaged.lost(), "the deleted object's batch (behind a delete marker)");
        assertEquals(2, damaged.duplicated(), "the copied object's batch and the overwritten key's");
        assertEquals(clean.batches() - 3, damaged.acknowledgedStored());
    }

    private static String keyOf(ArchiveCensus census, SenderFleet.Delivery delivery) {
        return census.copies().get(delivery.batch().marker()).get(0).key();
    }
}
