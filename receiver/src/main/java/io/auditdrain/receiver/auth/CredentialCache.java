package io.auditdrain.receiver.auth;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-app credentials, loaded on first use and trusted for a TTL, so that adding, rotating and revoking an app take
 * effect without a redeploy (revocation within one TTL).
 *
 * <p>A rejected secret triggers one early re-read (at most once per {@code recheckInterval} per app): a secret
 * rotated a moment ago works at once instead of being refused for up to a TTL, which matters because Logplex drops a
 * batch for good on a 401. A wrong secret repeated in a loop cannot turn into a stream of reads.
 */
public final class CredentialCache {

    /** Beyond this many apps (mostly unknown names) the cache starts over rather than grow without bound. */
    private static final int MAX_ENTRIES = 10_000;

    private final CredentialSource source;
    private final long ttlNanos;
    private final long recheckNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(Optional<AppCredentials> credentials, long loadedAt) {
    }

    public CredentialCache(CredentialSource source, Duration ttl) {
        this(source, ttl, Duration.ofSeconds(5), System::nanoTime);
    }

    public CredentialCache(CredentialSource source, Duration ttl, Duration recheckInterval, LongSupplier nanoClock) {
        this.source = source;
        this.ttlNanos = ttl.toNanos();
        this.recheckNanos = Math.min(recheckInterval.toNanos(), ttl.toNanos());
        this.clock = nanoClock;
    }

    /**
     * True when {@code secret} opens {@code app}'s drain.
     *
     * @throws CredentialStoreException when the credentials had to be read and could not be
     */
    public boolean accepts(String app, String secret) {
        long now = clock.getAsLong();
        Entry entry = entries.get(app);
        if (entry == null || now - entry.loadedAt() >= ttlNanos) {
            entry = reload(app, now);
        }
        if (matches(entry, secret)) {
            return true;
        }
        if (now - entry.loadedAt() >= recheckNanos) {
            return matches(reload(app, now), secret);
        }
        return false;
    }

    /** Forgets everything, e.g. after a SnapStart restore, when cached entries may be arbitrarily old. */
    public void clear() {
        entries.clear();
    }

    private Entry reload(String app, long now) {
        Entry fresh = new Entry(source.load(app), now);
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(app, fresh);
        return fresh;
    }

    private static boolean matches(Entry entry, String secret) {
        return entry.credentials().map(c -> c.accepts(secret)).orElse(false);
    }
}
