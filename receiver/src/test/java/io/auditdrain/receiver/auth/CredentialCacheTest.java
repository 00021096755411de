package io.auditdrain.receiver.auth;

import static io.auditdrain.receiver.auth.CredentialCache.Verdict.ACCEPTED;
import static io.auditdrain.receiver.auth.CredentialCache.Verdict.BUSY;
import static io.auditdrain.receiver.auth.CredentialCache.Verdict.REFUSED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.receiver.Deadline;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CredentialCacheTest {

    private static final long SECOND = 1_000_000_000L;

    /** An in-memory credential store that counts reads and can be made unreachable. */
    static final class StoreInMemory implements CredentialSource {
        final Map<String, List<String>> secrets = new HashMap<>();
        int reads;
        boolean unreachable;

        @Override
        public Optional<AppCredentials> load(String app, Deadline deadline) {
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
    private final LookupBudget budget = new LookupBudget(10, Duration.ofSeconds(5), now::get);
    private final CredentialCache cache = new CredentialCache(store, Duration.ofSeconds(60), Duration.ofSeconds(900),
            budget, Set.of("listed-app"), Duration.ofSeconds(5), now::get);
    private int counted;

    private CredentialCache.Verdict check(String app, String secret) {
        return cache.check(app, secret, Deadline.after(Duration.ofSeconds(4)), () -> counted++);
    }

    @Test
    void a_loaded_credential_is_trusted_for_the_ttl_without_reading_again() {
        store.secrets.put("my-app", List.of("s3cret"));
        assertEquals(ACCEPTED, check("my-app", "s3cret"));
        now.addAndGet(59 * SECOND);
        assertEquals(ACCEPTED, check("my-app", "s3cret"));
        assertEquals(1, store.reads);
        assertEquals(1, counted, "the request log counts the one read");
    }

    @Test
    void a_revoked_credential_stops_working_once_the_ttl_has_passed() {
        store.secrets.put("my-app", List.of("s3cret"));
        assertEquals(ACCEPTED, check("my-app", "s3cret"));
        store.secrets.remove("my-app");
        now.addAndGet(60 * SECOND);
        assertEquals(REFUSED, check("my-app", "s3cret"));
        assertEquals(2, store.reads, "revocation costs one read, not one per refused secret");
    }

    @Test
    void a_just_rotated_secret_is_accepted_at_once_and_the_previous_one_still_is() {
        store.secrets.put("my-app", List.of("old"));
        assertEquals(ACCEPTED, check("my-app", "old"));
        store.secrets.put("my-app", List.of("new", "old"));
        now.addAndGet(5 * SECOND);
        assertEquals(ACCEPTED, check("my-app", "new"));
        assertEquals(ACCEPTED, check("my-app", "old"));
    }

    @Test
    void wrong_secrets_in_a_loop_read_the_store_at_most_once_per_recheck_interval() {
        store.secrets.put("my-app", List.of("s3cret"));
        assertEquals(ACCEPTED, check("my-app", "s3cret"));
        for (int i = 0; i < 100; i++) {
            assertEquals(REFUSED, check("my-app", "guess" + i));
        }
        assertEquals(1, store.reads);
        now.addAndGet(5 * SECOND);
        assertEquals(REFUSED, check("my-app", "guess"));
        assertEquals(2, store.reads);
    }

    @Test
    void an_unknown_app_is_remembered_as_unknown() {
        assertEquals(REFUSED, check("nobody-here", "x"));
        assertEquals(REFUSED, check("nobody-here", "y"));
        assertEquals(1, store.reads);
    }

    @Test
    void a_flood_of_unknown_names_reads_the_store_within_the_budget_and_then_answers_busy() {
        int busy = 0;
        for (int i = 0; i < 1_000; i++) {
            if (check("random-name-" + i, "x") == BUSY) {
                busy++;
            }
        }
        assertEquals(10, store.reads, "the burst");
        assertEquals(990, busy);
        now.addAndGet(60 * SECOND);
        for (int i = 0; i < 1_000; i++) {
            check("other-name-" + i, "x");
        }
        assertEquals(10 + 10, store.reads, "a full bucket again after a minute, never more");
    }

    @Test
    void a_real_app_keeps_working_through_a_flood_and_its_refresh_is_never_held_back() {
        store.secrets.put("real-app", List.of("s3cret"));
        assertEquals(ACCEPTED, check("real-app", "s3cret"));
        for (int minute = 0; minute < 10; minute++) {
            for (int i = 0; i < 10_000; i++) {
                check("flood-" + minute + "-" + i, "x");
                check("real-app", "wrong-" + i);
            }
            now.addAndGet(61 * SECOND);
            assertEquals(ACCEPTED, check("real-app", "s3cret"), "minute " + minute);
        }
        assertTrue(store.reads <= 1 + 10 * (13 + 1), "reads: " + store.reads);
    }

    @Test
    void a_listed_app_seen_for_the_first_time_in_a_flood_is_read_even_when_the_budget_is_spent() {
        store.secrets.put("listed-app", List.of("s3cret"));
        store.secrets.put("unlisted-app", List.of("s3cret"));
        for (int i = 0; i < 100; i++) {
            check("flood-" + i, "x");
        }
        assertEquals(ACCEPTED, check("listed-app", "s3cret"), "listed: never waits for the budget");
        assertEquals(BUSY, check("unlisted-app", "s3cret"), "not listed: waits for the budget, and may retry");
    }

    @Test
    void a_known_app_is_never_forgotten_because_of_many_unknown_names() {
        LookupBudget generous = new LookupBudget(1_000_000, Duration.ofNanos(1), now::get);
        CredentialCache big = new CredentialCache(store, Duration.ofSeconds(60), Duration.ZERO, generous,
                Set.of(), Duration.ofSeconds(5), now::get);
        store.secrets.put("real-app", List.of("s3cret"));
        Deadline deadline = Deadline.after(Duration.ofSeconds(4));
        assertEquals(ACCEPTED, big.check("real-app", "s3cret", deadline, CredentialCache.ReadCounter.NONE));
        for (int i = 0; i < 3 * CredentialCache.MAX_UNKNOWN_NAMES; i++) {
            big.check("unknown-" + i, "x", deadline, CredentialCache.ReadCounter.NONE);
        }
        int reads = store.reads;
        assertEquals(ACCEPTED, big.check("real-app", "s3cret", deadline, CredentialCache.ReadCounter.NONE));
        assertEquals(reads, store.reads, "answered from the cache");
    }

    @Test
    void a_known_app_keeps_working_through_a_store_outage_for_the_grace_period_and_not_after() {
        store.secrets.put("my-app", List.of("s3cret"));
        assertEquals(ACCEPTED, check("my-app", "s3cret"));
        store.unreachable = true;
        now.addAndGet(61 * SECOND);
        assertEquals(ACCEPTED, check("my-app", "s3cret"));
        int reads = store.reads;
        assertEquals(ACCEPTED, check("my-app", "s3cret"));
        assertEquals(reads, store.reads, "a failed store is not retried on every request");
        assertThrows(CredentialStoreException.class, () -> check("my-app", "wrong"),
                "a secret that does not match cannot be checked against the store now: retry, don't drop");
        now.addAndGet(898 * SECOND);
        assertEquals(ACCEPTED, check("my-app", "s3cret"));
        now.addAndGet(2 * SECOND);
        assertThrows(CredentialStoreException.class, () -> check("my-app", "s3cret"), "grace is over: fail closed");
    }

    @Test
    void an_app_never_seen_fails_closed_when_the_store_is_unreachable() {
        store.unreachable = true;
        assertThrows(CredentialStoreException.class, () -> check("new-app", "s3cret"));
    }

    @Test
    void after_an_outage_the_store_is_believed_again_and_a_revocation_applies() {
        store.secrets.put("my-app", List.of("s3cret"));
        assertEquals(ACCEPTED, check("my-app", "s3cret"));
        store.unreachable = true;
        now.addAndGet(61 * SECOND);
        assertEquals(ACCEPTED, check("my-app", "s3cret"));
        store.unreachable = false;
        store.secrets.remove("my-app");
        now.addAndGet(5 * SECOND);
        assertEquals(REFUSED, check("my-app", "s3cret"));
    }

    @Test
    void without_grace_an_unreachable_store_refuses_rather_than_trusting_a_stale_entry() {
        CredentialCache strict = new CredentialCache(store, Duration.ofSeconds(60), Duration.ZERO, budget,
                Set.of(), Duration.ofSeconds(5), now::get);
        store.secrets.put("my-app", List.of("s3cret"));
        Deadline deadline = Deadline.after(Duration.ofSeconds(4));
        assertEquals(ACCEPTED, strict.check("my-app", "s3cret", deadline, CredentialCache.ReadCounter.NONE));
        store.unreachable = true;
        now.addAndGet(61 * SECOND);
        assertThrows(CredentialStoreException.class,
                () -> strict.check("my-app", "s3cret", deadline, CredentialCache.ReadCounter.NONE));
    }

    @Test
    void clearing_forces_a_fresh_read() {
        store.secrets.put("my-app", List.of("s3cret"));
        assertEquals(ACCEPTED, check("my-app", "s3cret"));
        cache.clear();
        assertEquals(ACCEPTED, check("my-app", "s3cret"));
        assertEquals(2, store.reads);
    }
}
