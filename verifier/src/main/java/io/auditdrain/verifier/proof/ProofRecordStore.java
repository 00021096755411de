package io.auditdrain.verifier.proof;

import io.auditdrain.core.ProofKey;
import io.auditdrain.core.StoreLocation;
import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.store.S3ClientConfig;

/**
 * Where the scheduled verification keeps its run records: each written once and never overwritten. A write that does
 * not happen is never silent: {@link #create} says why, and the run's metric says the record is missing.
 */
public interface ProofRecordStore extends AutoCloseable {

    /**
     * How a write went.
     *
     * @param problem why the record is not (confirmed) in the store, or null when it was written
     */
    record WriteResult(String key, String sha256, String problem) {
        public boolean written() {
            return problem == null;
        }
    }

    /** Creates the record at {@code key}; never replaces an object that is already there. */
    WriteResult create(ProofKey key, byte[] record);

    @Override
    void close();

    /** The store the verifier reads ({@code s3://bucket} through the verifier's S3 client setup, or a directory). */
    static ProofRecordStore open(StoreLocation location, Environment env) {
        if (location instanceof StoreLocation.S3Bucket s3) {
            return new S3ProofRecordStore(S3ClientConfig.fromEnvironment(env).build(), s3.bucket());
        }
        return new DirectoryProofRecordStore(((StoreLocation.Directory) location).path());
    }
}
