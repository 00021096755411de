package io.auditdrain.receiver.store;

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
     * @throws StoreException when it could not be stored (the request is answered 5xx so that Logplex retries)
     */
    PutOutcome put(DrainObject object);

    /** A short description for logs, e.g. {@code s3://bucket}. */
    String describe();
}
