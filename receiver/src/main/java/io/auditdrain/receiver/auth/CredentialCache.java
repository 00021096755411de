package io.auditdrain.receiver.auth;

import io.auditdrain.receiver.Deadline;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-app credentials, read on first use and trusted for a TTL, so that adding, rotating and revoking an app take
 * effect without a redeploy (revocation within one TTL).
 *
 * <p>The Function URL is public, so what a caller sends must not decide how often the credential store is read.
 * Reads fall in two kinds:
 * <ul>
 *   <li>the TTL refresh of an app whose credential was accepted before: at most one per real app per TTL, whatever
 *       arrives, so it is never held back;</li>
 *   <li>the first read of an app the operators listed ({@code knownApps}, the deployment's apps): bounded by that
 *       list, so never held back either, even in a fresh environment in the middle of a flood;</li>
 *   <li>everything else a caller can trigger at will (a name not listed and never seen, a name known to have no
 *       credential, an early re-read after a refused secret): these draw on one {@link LookupBudget} per execution
 *       environment. When it is spent the answer is {@link Verdict#BUSY} (429, which Logplex retries) rather than
 *       401 (which Logplex drops), since the secret may well be a real one we could not check yet.</li>
 * </ul>
 * Apps that were accepted are never evicted by a flood of other names: unknown names live in their own bounded map.
 *
 * <p>A refused secret may have been rotated a moment ago, so it triggers one early re-read, at most once per
 * {@code recheckInterval} per app (and within the budget): a rotated secret works within seconds.
 *
 * <p>If the store cannot be read when a known app's TTL has passed, its last credentials keep working for up to
 * {@code grace} after they were last read successfully (the store is retried at most once per recheck interval
 * meanwhile): a short SSM outage does not drop every app's logs. A revocation cannot reach the receiver during such
 * an outage anyway; once the store answers again, it applies. Anything not known fails closed.
 */
public final class CredentialCache {

    /** Unknown names remembered as having no credential; the oldest is forgotten first. */
    static final int MAX_UNKNOWN_NAMES = 4_096;

    /** The result of checking one secret. */
    public enum Verdict {
        ACCEPTED,
        REFUSED,
        /** The secret could not be checked now without exceeding the lookup budget: answer 429. */
        BUSY
    }

    private final CredentialSource source;
    private final long ttlNanos;
    private final long recheckNanos;
    private final long graceNanos;
    private final LookupBudget budget;
    private final Set<String> knownApps;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Known> known = new ConcurrentHashMap<>();
    private final Map<String, Long> unknown = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_UNKNOWN_NAMES;
        }
    };

    /** An app with credentials: when they were last read, and when the store was last tried for them. */
    private record Known(AppCredentials credentials, long loadedAt, long triedAt) {
    }

    public CredentialCache(CredentialSource source, Duration ttl, Duration grace, LookupBudget budget) {
        this(source, ttl, grace, budget, Set.of(), Duration.ofSeconds(5), System::nanoTime);
    }

    public CredentialCache(CredentialSource source, Duration ttl, Duration grace, LookupBudget budget,
                           Set<String> knownApps) {
        this(source, ttl, grace, budget, knownApps, Duration.ofSeconds(5), System::nanoTime);
    }

    public CredentialCache(CredentialSource source, Duration ttl, Duration grace, LookupBudget budget,
                           Set<String> knownApps, Duration recheckInterval, LongSupplier nanoClock) {
        this.source = source;
        this.ttlNanos = ttl.toNanos();
        this.recheckNanos = Math.min(recheckInterval.toNanos(), ttl.toNanos());
        this.graceNanos = grace.toNanos();
        this.budget = budget;
        this.knownApps = Set.copyOf(knownApps);
        this.clock = nanoClock;
    }

    /**
     * Whether {@code secret} opens {@code app}'s drain.
     *
     * @param reads counts the store reads this check made (for the request log)
     * @throws CredentialStoreException when the credentials had to be read and could not be (fail closed)
     */
    public Verdict check(String app, String secret, Deadline deadline, ReadCounter reads) {
        long now = clock.getAsLong();
        Known entry = known.get(app);
        if (entry != null && now - entry.loadedAt() >= ttlNanos) {
            entry = refresh(app, entry, now, deadline, reads);
        }
        if (entry != null) {
            if (entry.credentials().accepts(secret)) {
                return Verdict.ACCEPTED;
            }
            if (now - entry.loadedAt() < recheckNanos) {
                return Verdict.REFUSED;
            }
        } else if (recentlyUnknown(app, now)) {
            return Verdict.REFUSED;
        }
        boolean listedFirstRead = entry == null && knownApps.contains(app);
        if (!listedFirstRead && !budget.tryAcquire()) {
            return Verdict.BUSY;
        }
        Optional<AppCredentials> loaded = read(app, deadline, reads);
        remember(app, loaded, now);
        return loaded.isPresent() && loaded.get().accepts(secret) ? Verdict.ACCEPTED : Verdict.REFUSED;
    }

    /** Forgets everything, e.g. after a SnapStart restore, when cached entries may be arbitrarily old. */
    public void clear() {
        known.clear();
        synchronized (unknown) {
            unknown.clear();
        }
        budget.refill();
    }

    /** The TTL refresh of a known app; its old credentials within the grace period if the store cannot be read. */
    private Known refresh(String app, Known entry, long now, Deadline deadline, ReadCounter reads) {
        boolean inGrace = now - entry.loadedAt() < ttlNanos + graceNanos;
        if (inGrace && now - entry.triedAt() < recheckNanos) {
            return entry; // the store failed a moment ago: don't retry it on every request
        }
        try {
            Optional<AppCredentials> loaded = read(app, deadline, reads);
            remember(app, loaded, now);
            return loaded.map(c -> new Known(c, now, now)).orElse(null);
        } catch (CredentialStoreException e) {
            if (!inGrace) {
                throw e;
            }
            Known kept = new Known(entry.credentials(), entry.loadedAt(), now);
            known.put(app, kept);
            return kept;
        }
    }

    private Optional<AppCredentials> read(String app, Deadline deadline, ReadCounter reads) {
        reads.count();
        return source.load(app, deadline);
    }

    private void remember(String app, Optional<AppCredentials> loaded, long now) {
        if (loaded.isPresent()) {
            known.put(app, new Known(loaded.get(), now, now));
            synchronized (unknown) {
                unknown.remove(app);
            }
        } else {
            known.remove(app);
            synchronized (unknown) {
                unknown.put(app, now);
            }
        }
    }

    /** Known to have no credential, and read too recently to read again. */
    private boolean recentlyUnknown(String app, long now) {
        Long readAt;
        synchronized (unknown) {
            readAt = unknown.get(app);
        }
        return readAt != null && now - readAt < recheckNanos;
    }

    /** Counts reads of the credential store made on behalf of one request. */
    @FunctionalInterface
    public interface ReadCounter {
        ReadCounter NONE = () -> { };

        void count();
    }
}
