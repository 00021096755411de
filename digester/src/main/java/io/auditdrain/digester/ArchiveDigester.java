package io.auditdrain.digester;

import io.auditdrain.core.AppName;
import io.auditdrain.core.InvalidObjectKeyException;
import io.auditdrain.core.ObjectKey;
import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.digest.ArchiveDigest;
import io.auditdrain.digest.DigestEntry;
import io.auditdrain.digest.DigestInterval;
import io.auditdrain.digest.DigestLayout;
import io.auditdrain.digest.DigestSigner;
import io.auditdrain.digest.ObjectKeyRange;
import io.auditdrain.digest.SignedDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * Writes the digests (docs/digest-format.md). For each app, it continues the app's chain from its newest digest and
 * closes every interval whose end lies at least the grace period in the past: it lists the interval's keys, hashes
 * the current version of each, signs and stores the digest under {@code digests/} (never overwriting).
 *
 * <p>Late objects: an object can reach the bucket after its interval's digest was written (a Logplex retry of an old
 * batch, a batch whose lines all waited in Logplex's buffer). The first digest a run writes for an app also records,
 * under {@code late_objects}, every object of the preceding late window that no digest holds yet. Only objects
 * stored around or after their interval's digest are candidates, so a run reads earlier digests only when there are
 * such objects.
 */
public final class ArchiveDigester {

    /**
     * An object stored up to this long before its interval's digest was written may still have been missed by that
     * digest's listing (an upload that started earlier and finished later); such objects are checked against the
     * digests, all others are known to be in them.
     */
    static final Duration STORE_SKEW = Duration.ofMinutes(5);
    /** How far back the newest digest of an app is looked for, one day prefix at a time. */
    static final int HEAD_SEARCH_DAYS = 800;

    /** What the digester does, from {@link DigesterConfig}. */
    public record Policy(Duration interval, Duration grace, Duration lateWindow, Set<String> apps, int maxIntervals) {
        public Policy {
            DigestInterval.requireValidLength(interval);
            apps = Set.copyOf(apps);
        }

        public static Policy of(DigesterConfig c) {
            return new Policy(c.interval(), c.grace(), c.lateWindow(), c.apps(), c.maxIntervals());
        }
    }

    /**
     * What one run did for one app.
     *
     * @param behind true when intervals were due but left for the next run (the per-run limit or the time ran out)
     * @param error  why the app's run stopped, or null
     */
    public record AppRun(String app, List<String> written, int objects, int lateObjects, boolean behind,
                         String error) {
    }

    /** What one run did. */
    public record Run(Instant started, List<AppRun> apps, List<String> skippedNames) {
        public boolean failed() {
            return apps.stream().anyMatch(a -> a.error() != null);
        }
    }

    private final ArchiveBucket bucket;
    private final DigestSigner signer;
    private final Policy policy;
    private final Clock clock;

    public ArchiveDigester(ArchiveBucket bucket, DigestSigner signer, Policy policy, Clock clock) {
        this.bucket = bucket;
        this.signer = signer;
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * Closes every due interval of every app, while {@code timeLeft} says there is time for another one. One app's
     * failure does not stop the others; it is reported in its {@link AppRun}.
     */
    public Run run(BooleanSupplier timeLeft) {
        Instant now = clock.instant();
        Set<String> apps = new TreeSet<>(policy.apps());
        List<String> skipped = new ArrayList<>();
        for (String name : bucket.appNames()) {
            if (AppName.isValid(name)) {
                apps.add(name);
            } else {
                skipped.add(name);
            }
        }
        List<AppRun> runs = new ArrayList<>();
        for (String app : apps) {
            runs.add(digestApp(app, now, timeLeft));
        }
        return new Run(now, runs, skipped);
    }

    private AppRun digestApp(String app, Instant now, BooleanSupplier timeLeft) {
        List<String> written = new ArrayList<>();
        int objects = 0;
        int late = 0;
        try {
            SignedDigest head = findHead(app, now);
            DigestInterval next = head == null ? genesis(app, now).orElse(null) : following(head.digest().interval());
            boolean first = true;
            while (next != null && isDue(next, now)) {
                if (written.size() >= policy.maxIntervals() || !timeLeft.getAsBoolean()) {
                    return new AppRun(app, written, objects, late, true, null);
                }
                List<DigestEntry> entries = entries(app, next);
                List<DigestEntry> lateEntries = first && head != null ? lateObjects(app, next) : List.of();
                first = false;
                ArchiveDigest digest = new ArchiveDigest(app, DigestLayout.key(app, next.start()), next,
                        clock.instant(), policy.grace(), policy.lateWindow(), head == null ? null : head.link(),
                        entries, lateEntries);
                SignedDigest signed = SignedDigest.sign(digest, signer);
                if (bucket.putDigest(digest.key(), signed.toBytes())) {
                    written.add(digest.key());
                    objects += entries.size();
                    late += lateEntries.size();
                } else {
                    // Another run stored this interval's digest first: the chain continues from that one.
                    signed = SignedDigest.parse(bucket.read(digest.key()));
                }
                head = signed;
                next = following(next);
            }
            return new AppRun(app, written, objects, late, false, null);
        } catch (RuntimeException e) {
            return new AppRun(app, written, objects, late, false, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private boolean isDue(DigestInterval interval, Instant now) {
        return !interval.end().plus(policy.grace()).isAfter(now);
    }

    /** The interval after {@code previous}: the configured length once its grid is reached, the old one until then. */
    DigestInterval following(DigestInterval previous) {
        Instant end = previous.end();
        long length = policy.interval().toMillis();
        return end.toEpochMilli() % length == 0 ? new DigestInterval(end, end.plus(policy.interval()))
                : previous.next();
    }

    /** The newest digest of {@code app}, or null when it has none yet. */
    private SignedDigest findHead(String app, Instant now) {
        if (!bucket.any(DigestLayout.appPrefix(app))) {
            return null;
        }
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        for (int i = 0; i < HEAD_SEARCH_DAYS; i++, day = day.minusDays(1)) {
            List<ArchiveBucket.ListedObject> digests = digestsOf(app, day);
            if (!digests.isEmpty()) {
                return SignedDigest.parse(bucket.read(digests.get(digests.size() - 1).key()));
            }
        }
        throw new IllegalStateException("digests exist under " + DigestLayout.appPrefix(app) + " but none in the last "
                + HEAD_SEARCH_DAYS + " days");
    }

    /**
     * Where a new chain starts: the interval of the app's oldest object; for a configured app without objects, the
     * newest closed interval (so that its silence is on record from now on).
     */
    private Optional<DigestInterval> genesis(String app, Instant now) {
        Optional<String> oldest = bucket.firstKey(ObjectKeyLayout.appPrefix(app), k -> objectKeyOf(app, k) != null);
        if (oldest.isPresent()) {
            return Optional.of(DigestInterval.containing(objectKeyOf(app, oldest.get()).time(), policy.interval()));
        }
        if (policy.apps().contains(app)) {
            return Optional.of(DigestInterval.containing(now.minus(policy.grace()), policy.interval()).previous());
        }
        return Optional.empty();
    }

    private List<DigestEntry> entries(String app, DigestInterval interval) {
        ObjectKeyRange range = ObjectKeyRange.of(app, interval);
        List<DigestEntry> entries = new ArrayList<>();
        for (ArchiveBucket.ListedObject o : bucket.currentObjects(range.prefix(), range.after(), range.before())) {
            // A name the receiver cannot have written is left out; verify-archive reports it as extra.
            if (objectKeyOf(app, o.key()) != null) {
                entries.add(entry(o));
            }
        }
        return entries;
    }

    private DigestEntry entry(ArchiveBucket.ListedObject o) {
        // The version, size and time come from the read itself, so they describe exactly the bytes hashed.
        ArchiveBucket.HashedObject h = bucket.hash(o.key());
        return new DigestEntry(o.key(), h.versionId(), h.size(), h.sha256(), h.storedAt());
    }

    /** Objects of the late window before {@code next} that arrived after their digest and are in no digest yet. */
    private List<DigestEntry> lateObjects(String app, DigestInterval next) {
        if (policy.lateWindow().isZero()) {
            return List.of();
        }
        Instant from = next.start().minus(policy.lateWindow());
        List<LocalDate> days = ObjectKeyLayout.days(from, next.start().minusMillis(1));
        TreeMap<Instant, ArchiveBucket.ListedObject> digests = new TreeMap<>();
        for (LocalDate day : days) {
            for (ArchiveBucket.ListedObject d : digestsOf(app, day)) {
                digests.put(DigestLayout.parse(d.key()).start(), d);
            }
        }
        record Suspect(ArchiveBucket.ListedObject object, Instant time, Instant digestStart) {
        }
        List<Suspect> suspects = new ArrayList<>();
        String before = ObjectKeyLayout.startAfter(app, next.start());
        for (int d = 0; d < days.size(); d++) {
            String prefix = ObjectKeyLayout.dayPrefix(app, days.get(d));
            String after = d == 0 ? ObjectKeyLayout.startAfter(app, from) : prefix;
            for (ArchiveBucket.ListedObject o : bucket.currentObjects(prefix, after, before)) {
                ObjectKey key = objectKeyOf(app, o.key());
                Map.Entry<Instant, ArchiveBucket.ListedObject> digest = key == null ? null
                        : digests.floorEntry(key.time());
                if (digest != null && !o.storedAt().isBefore(digest.getValue().storedAt().minus(STORE_SKEW))) {
                    suspects.add(new Suspect(o, key.time(), digest.getKey()));
                }
            }
        }
        if (suspects.isEmpty()) {
            return List.of();
        }
        Instant earliest = suspects.stream().map(Suspect::digestStart).min(Instant::compareTo).orElseThrow();
        Set<String> covered = new HashSet<>();
        Map<Instant, DigestInterval> intervals = new TreeMap<>();
        for (ArchiveBucket.ListedObject d : digests.tailMap(earliest, true).values()) {
            ArchiveDigest digest = SignedDigest.parse(bucket.read(d.key())).digest();
            intervals.put(digest.interval().start(), digest.interval());
            digest.objects().forEach(e -> covered.add(e.key()));
            digest.lateObjects().forEach(e -> covered.add(e.key()));
        }
        List<DigestEntry> late = new ArrayList<>();
        for (Suspect s : suspects) {
            DigestInterval own = intervals.get(s.digestStart());
            // Not covered, and its own interval has a digest (else verify-archive reports that digest missing).
            if (!covered.contains(s.object().key()) && own != null && own.contains(s.time())) {
                late.add(entry(s.object()));
            }
        }
        return late;
    }

    private List<ArchiveBucket.ListedObject> digestsOf(String app, LocalDate day) {
        List<ArchiveBucket.ListedObject> digests = new ArrayList<>();
        for (ArchiveBucket.ListedObject o : bucket.list(DigestLayout.dayPrefix(app, day))) {
            if (DigestLayout.isDigestKey(o.key())) {
                digests.add(o);
            }
        }
        return digests;
    }

    /** The parsed key when {@code key} is a key of the layout for {@code app}, else null. */
    private static ObjectKey objectKeyOf(String app, String key) {
        try {
            ObjectKey parsed = ObjectKeyLayout.parse(key);
            return parsed.app().equals(app) ? parsed : null;
        } catch (InvalidObjectKeyException e) {
            return null;
        }
    }
}
