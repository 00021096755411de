package io.auditdrain.receiver.store;

import io.auditdrain.receiver.Deadline;

/** Durable storage for drained objects. Writes never overwrite: a key that exists already holds the same batch. */
public interface ObjectStore {

    /** What a put did. Both outcomes mean the object is durably stored. */
    enum PutOutcome {
        WRITTEN,
        /** The key existed: a retry of a batch that was stored before (Logplex resends with the same Frame-Id). */
        ALREADY_STORED
    }

    /**
     * Stores the object and returns only once it is durable.
     *
     * @param deadline the request's: a write that cannot finish by then is abandoned (and counts as not stored)
     * @throws StoreException when it could not be stored (the request is answered 5xx so that Logplex retries)
     */
    PutOutcome put(DrainObject object, Deadline deadline);

    /**
     * Checks, by a harmless write, that objects can be stored now (for the health path; see Readiness).
     *
     * @throws StoreException when they cannot
     */
    void probe(Deadline deadline);

    /** A short description for logs, e.g. {@code s3://bucket}. */
    String describe();
}
