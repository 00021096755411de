package io.auditdrain.receiver.auth;

import io.auditdrain.receiver.Deadline;
import java.util.Optional;

/** Where the accepted secrets of an app are read from. Implementations do no caching: {@link CredentialCache} does. */
public interface CredentialSource {

    /**
     * The app's accepted secrets, or empty when the app has none (unknown or revoked).
     *
     * @param deadline the request's: a read that cannot finish by then is abandoned
     * @throws CredentialStoreException when the source cannot be read, so that nothing is accepted (fail closed)
     */
    Optional<AppCredentials> load(String app, Deadline deadline);

    /**
     * Checks that the source can be read now (for the health path), by reading credentials no app has.
     *
     * @throws CredentialStoreException when it cannot
     */
    default void probe(Deadline deadline) {
        load(PROBE_APP, deadline);
    }

    /** No app's name ({@code _} is not allowed in one): reading it reads nothing. */
    String PROBE_APP = "_health";
}
