package io.auditdrain.receiver.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CredentialCacheTest {

    private static final long SECOND = 1_000_000_000L;

    /** An in-memory credential store that counts reads and can be made unreachable. */
    private static final class StoreInMemory implements CredentialSource {
        final Map<String, List<String>> secrets = new HashMap<>();
        int reads;
        boolean unreachable;

        @Override
        public Optional<AppCredentials> load(String app) {
            reads++;
            if (unreachable) {
                throw new CredentialStoreException("unreachable", null);
            }
            List<String> s = secrets.get(app);
            return s == null ? Optional.empty() : Optional.of(AppCredentials.of(app, s));
        }
    }

    private final StoreInMemory store = new StoreInMemory();
    private final AtomicLong now = new AtomicLong(1000 * SECOND);
    private final CredentialCache cache = new CredentialCache(store, Duration.ofSeconds(60), Duration.ofSeconds(5),
            now::get);

    @Test
    void a_loaded_credential_is_trusted_for_the_ttl_without_reading_again() {
        store.secrets.put("my-app", List.of("s3cret"));
        assertTrue(cache.accepts("my-app", "s3cret"));
        now.addAndGet(59 * SECOND);
        assertTrue(cache.accepts("my-app", "s3cret"));
        assertEquals(1, store.reads);
    }

    @Test
    void a_revoked_credential_stops_working_once_the_ttl_has_passed() {
        store.secrets.put("my-app", List.of("s3cret"));
        assertTrue(cache.accepts("my-app", "s3cret"));
        store.secrets.remove("my-app");
        now.addAndGet(60 * SECOND);
        assertFalse(cache.accepts("my-app", "s3cret"));
    }

    @Test
    void a_just_rotated_secret_is_accepted_at_once_and_the_previous_one_still_is() {
        store.secrets.put("my-app", List.of("old"));
        assertTrue(cache.accepts("my-app", "old"));
        store.secrets.put("my-app", List.of("new", "old"));
        now.addAndGet(5 * SECOND);
        assertTrue(cache.accepts("my-app", "new"));
        assertTrue(cache.accepts("my-app", "old"));
    }

    @Test
    void wrong_secrets_in_a_loop_read_the_store_at_most_once_per_recheck_interval() {
        store.secrets.put("my-app", List.of("s3cret"));
        assertTrue(cache.accepts("my-app", "s3cret"));
        for (int i = 0; i < 100; i++) {
            assertFalse(cache.accepts("my-app", "guess" + i));
        }
        assertEquals(1, store.reads);
        now.addAndGet(5 * SECOND);
        assertFalse(cache.accepts("my-app", "guess"));
        assertEquals(2, store.reads);
    }

    @Test
    void an_unknown_app_is_remembered_as_unknown() {
        assertFalse(cache.accepts("nobody-here", "x"));
        assertFalse(cache.accepts("nobody-here", "y"));
        assertEquals(1, store.reads);
    }

    @Test
    void an_unreachable_store_refuses_rather_than_trusting_a_stale_entry() {
        store.secrets.put("my-app", List.of("s3cret"));
        assertTrue(cache.accepts("my-app", "s3cret"));
        store.unreachable = true;
        now.addAndGet(61 * SECOND);
        assertThrows(CredentialStoreException.class, () -> cache.accepts("my-app", "s3cret"));
    }

    @Test
    void clearing_forces_a_fresh_read() {
        store.secrets.put("my-app", List.of("s3cret"));
        assertTrue(cache.accepts("my-app", "s3cret"));
        cache.clear();
        assertTrue(cache.accepts("my-app", "s3cret"));
        assertEquals(2, store.reads);
    }
}
