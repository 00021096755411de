package io.auditdrain.verifier.proof;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.ProofKey;
import io.auditdrain.core.StoreLocation;
import io.auditdrain.digest.Sha256;
import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.testsupport.TestBucket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run records are created once and never replaced, in moto's versioned S3 and in a directory store. */
class S3ProofRecordStoreIT {

    private static final ProofKey KEY = ProofKey.forRun("acme-api-prod", Instant.parse("2026-03-14T10:15:00.042Z"));
    private static final byte[] FIRST = "{\"format\":1}\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SECOND = "{\"format\":1,\"forged\":true}\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void a_second_write_to_a_records_key_is_refused_with_412_and_leaves_the_first_version_alone() {
        TestBucket bucket = new TestBucket().configuredAsReference();
        try (ProofRecordStore store = ProofRecordStore.open(StoreLocation.parse(bucket.store()),
                new Environment(bucket.environment()))) {
            ProofRecordStore.WriteResult first = store.create(KEY, FIRST);
            assertTrue(first.written(), first.problem());
            assertEquals(KEY.toString(), first.key());
            assertEquals(Sha256.hex(FIRST), first.sha256());

            ProofRecordStore.WriteResult second = store.create(KEY, SECOND);

            assertFalse(second.written());
            assertTrue(second.problem().contains("412") && second.problem().contains("not confirmed"),
                    second.problem());
        }
        var versions = bucket.s3().listObjectVersions(r -> r.bucket(bucket.name()).prefix(KEY.toString()));
        assertEquals(1, versions.versions().size(), "If-None-Match: * stored no second version");
        assertArrayEquals(FIRST, bucket.s3().getObjectAsBytes(r -> r.bucket(bucket.name()).key(KEY.toString()))
                .asByteArray());
    }

    @Test
    void a_directory_store_creates_the_record_in_the_layout_and_never_replaces_it(@TempDir Path dir) throws Exception {
        try (ProofRecordStore store = ProofRecordStore.open(StoreLocation.parse("file:" + dir), new Environment(
                java.util.Map.of()))) {
            assertNull(store.create(KEY, FIRST).problem());
            ProofRecordStore.WriteResult second = store.create(KEY, SECOND);
            assertTrue(second.problem().contains("already holds"), second.problem());
        }
        assertArrayEquals(FIRST, Files.readAllBytes(dir.resolve(KEY.toString())));
        try (var files = Files.list(dir.resolve(KEY.toString()).getParent())) {
            assertEquals(1, files.count(), "no temporary file is left beside the record");
        }
    }
}
