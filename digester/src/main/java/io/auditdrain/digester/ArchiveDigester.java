package io.auditdrain.digester;

import io.auditdrain.core.AppName;
import io.auditdrain.core.DatedKeyFormat;
import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.digest.ArchiveDigest;
import io.auditdrain.digest.DeleteMarker;
import io.auditdrain.digest.DigestEntry;
import io.auditdrain.digest.DigestGap;
import io.auditdrain.digest.DigestInterval;
import io.auditdrain.digest.DigestLayout;
import io.auditdrain.digest.DigestSigner;
import io.auditdrain.digest.MalformedDigestException;
import io.auditdrain.digest.ObjectKeyRange;
import io.auditdrain.digest.SignedDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Writes the digests (docs/digest-format.md). For each app, it continues the app's chain from its newest digest and
 * closes every interval whose end lies at least the grace period in the past: it reads the version history of the
 * interval's keys ({@link DigestLayout#COVERED}: the drained objects under {@code logs/} and the scheduled
 * verification's run records under {@code proof/}), hashes every version written there (current or not) and records every delete marker, signs and
 * stores the digest under {@code digests/} (never overwriting).
 *
 * <p>Where the chain continues is read from the version history of the app's digest keys, never from a plain
 * listing, which an administrator could thin out: a digest key that ever existed (a version or a delete marker) is
 * never written again. A key whose history is not exactly one version was tampered with: it is reported, and the
 * chain continues from the newest digest whose history is intact, recording the skipped intervals, with what their
 * histories hold, as the gap of the next digest.
 *
 * <p>Late objects: an object can reach the bucket after its interval's digest was written (a Logplex retry of an old
 * batch, a batch whose lines all waited in Logplex's buffer). The first digest a run writes for an app also records,
 * under {@code late_objects}, every version of the preceding late window that no digest holds yet. Only versions
 * stored around or after their interval's digest are candidates, so a run reads earlier digests only when there are
 * such versions.
 */
public final class ArchiveDigester {

    /**
     * An object stored up to this long before its interval's digest was written may still have been missed by that
     * digest's listing (an upload that started earlier and finished later); such objects are checked against the
     * digests, all others are known to be in them.
     */
    static final Duration STORE_SKEW = Duration.ofMinutes(5);

    /** How long a run serves later intervals from one listing (well under {@link #STORE_SKEW}). */
    static final Duration FRESH = Duration.ofMinutes(1);

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
     * @param tampered digest keys whose version history is not one intact version (replaced, deleted, unreadable,
     *                 or named for an interval not yet due), each with what its history holds
     * @param gap      the digest keys the chain was linked over this run (a subset of {@code tampered}, or keys
     *                 whose digests are gone)
     * @param behind   true when intervals were due but left for the next run (the per-run limit or the time ran out)
     * @param error    why the app's run stopped, or null
     */
    public record AppRun(String app, List<String> written, int objects, int lateObjects, List<String> tampered,
                         List<String> gap, boolean behind, String error) {
    }

    /** What one run did. */
    public record Run(Instant started, List<AppRun> apps, List<String> skippedNames) {
        public boolean failed() {
            return apps.stream().anyMatch(a -> a.error() != null);
        }

        /** How many tampered digest keys the run found, over every app. */
        public int tamperedDigests() {
            return apps.stream().mapToInt(a -> a.tampered().size()).sum();
        }
    }

    /** The version history of one digest key. */
    private record KeyHistory(String key, List<ArchiveBucket.StoredVersion> versions,
                              List<ArchiveBucket.StoredVersion> deleteMarkers) {
        boolean intact() {
            return versions.size() == 1 && deleteMarkers.isEmpty();
        }

        /** The first version: the one the digester wrote (it writes a key once). */
        ArchiveBucket.StoredVersion original() {
            return versions.isEmpty() ? null : versions.get(0);
        }

        String describe() {
            return key + " (" + versions.size() + " version" + (versions.size() == 1 ? "" : "s") + ", "
                    + deleteMarkers.size() + " delete marker" + (deleteMarkers.size() == 1 ? "" : "s") + ")";
        }
    }

    private final ArchiveBucket bucket;
    private final DigestSigner signer;
    private final Policy policy;
    private final Clock clock;
    private final LongSupplier nanoTime;

    public ArchiveDigester(ArchiveBucket bucket, DigestSigner signer, Policy policy, Clock clock) {
        this(bucket, signer, policy, clock, System::nanoTime);
    }

    /** @param nanoTime the elapsed time that ages a listing ({@link #FRESH}); tests move it */
    ArchiveDigester(ArchiveBucket bucket, DigestSigner signer, Policy policy, Clock clock, LongSupplier nanoTime) {
        this.bucket = bucket;
        this.signer = signer;
        this.policy = policy;
        this.clock = clock;
        this.nanoTime = nanoTime;
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
        List<String> tampered = new ArrayList<>();
        List<String> gapKeys = new ArrayList<>();
        int objects = 0;
        int late = 0;
        try {
            TreeMap<Instant, KeyHistory> history = digestHistory(app, now, tampered);
            SignedDigest head = null;
            for (KeyHistory h : history.descendingMap().values()) {
                if (h.intact()) {
                    head = readDigest(app, h);
                    if (head != null) {
                        break;
                    }
                    tampered.add(h.key() + ": not a digest of this app's chain");
                }
            }
            DigestInterval next;
            if (head != null) {
                next = following(head.digest().interval());
            } else if (!history.isEmpty()) {
                // Every digest of the app is gone or tampered with: a new chain, over a gap from the oldest key.
                next = DigestInterval.containing(history.firstKey(), policy.interval());
            } else {
                next = genesis(app, now).orElse(null);
            }
            List<DigestGap> gap = new ArrayList<>();
            // Never write a key that ever existed: link over every interval up to the newest key with a history.
            while (next != null && !history.isEmpty() && !next.start().isAfter(history.lastKey())) {
                KeyHistory h = history.get(next.start());
                gap.add(gapOf(next, h));
                gapKeys.add(DigestLayout.key(app, next.start()));
                next = following(next);
            }
            boolean first = true;
            Backlog backlog = new Backlog(app, now.minus(policy.grace()));
            while (next != null && isDue(next, now)) {
                if (written.size() >= policy.maxIntervals() || !timeLeft.getAsBoolean()) {
                    return new AppRun(app, written, objects, late, tampered, gapKeys, true, null);
                }
                Recorded recorded = record(app, next, backlog);
                List<DigestEntry> lateEntries = first ? lateObjects(app, next, history) : List.of();
                ArchiveDigest digest = new ArchiveDigest(app, DigestLayout.key(app, next.start()), next,
                        clock.instant(), policy.grace(), policy.lateWindow(), head == null ? null : head.link(),
                        first ? gap : List.of(), recorded.versions(), recorded.deleteMarkers(), lateEntries);
                first = false;
                SignedDigest signed = SignedDigest.sign(digest, signer);
                if (bucket.putDigest(digest.key(), signed.toBytes())) {
                    written.add(digest.key());
                    objects += recorded.versions().size();
                    late += lateEntries.size();
                } else {
                    // Another run stored this interval's digest first: the chain continues from that one.
                    signed = readDigest(app, digestHistory(app, now, new ArrayList<>()).get(next.start()));
                    if (signed == null) {
                        throw new IllegalStateException(digest.key() + " appeared while this run wrote it, and is"
                                + " not one intact digest");
                    }
                }
                head = signed;
                next = following(next);
            }
            return new AppRun(app, written, objects, late, tampered, gapKeys, false, null);
        } catch (RuntimeException e) {
            return new AppRun(app, written, objects, late, tampered, gapKeys, false,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
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

    /**
     * The version history of every digest key of {@code app} for an interval that can be due, by its start. Keys
     * whose history is not one version, names that are no digest key, and digests of intervals not yet due (the
     * digester cannot have written them) are added to {@code tampered}; the last are left out of the history.
     */
    private TreeMap<Instant, KeyHistory> digestHistory(String app, Instant now, List<String> tampered) {
        String prefix = DigestLayout.appPrefix(app);
        Map<String, List<ArchiveBucket.StoredVersion>> byKey = new LinkedHashMap<>();
        for (ArchiveBucket.StoredVersion v : bucket.versions(prefix, prefix, prefix + Character.MAX_VALUE)) {
            byKey.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(v);
        }
        TreeMap<Instant, KeyHistory> history = new TreeMap<>();
        for (Map.Entry<String, List<ArchiveBucket.StoredVersion>> e : byKey.entrySet()) {
            List<ArchiveBucket.StoredVersion> versions = new ArrayList<>();
            List<ArchiveBucket.StoredVersion> markers = new ArrayList<>();
            e.getValue().forEach(v -> (v.deleteMarker() ? markers : versions).add(v));
            KeyHistory h = new KeyHistory(e.getKey(), versions, markers);
            DigestLayout.DigestKey parsed;
            try {
                parsed = DigestLayout.parse(e.getKey());
            } catch (IllegalArgumentException notADigestKey) {
                tampered.add(h.describe() + ": not a digest key");
                continue;
            }
            if (!parsed.app().equals(app)) {
                continue;
            }
            if (!isDue(DigestInterval.containing(parsed.start(), DigestInterval.MIN_LENGTH), now)) {
                tampered.add(h.describe() + ": a digest of an interval not yet closed");
                continue;
            }
            if (!h.intact()) {
                tampered.add(h.describe());
            }
            history.put(parsed.start(), h);
        }
        return history;
    }

    /** The digest a key's one version holds, or null when it is not a digest of this app's key. */
    private SignedDigest readDigest(String app, KeyHistory h) {
        if (h == null || h.original() == null) {
            return null;
        }
        try {
            SignedDigest d = SignedDigest.parse(bucket.read(h.key(), h.original().versionId()));
            return d.digest().app().equals(app) && d.digest().key().equals(h.key()) ? d : null;
        } catch (MalformedDigestException e) {
            return null;
        }
    }

    /** What the history of a skipped interval's digest key holds, each version hashed. */
    private DigestGap gapOf(DigestInterval interval, KeyHistory h) {
        List<DigestEntry> versions = new ArrayList<>();
        List<DeleteMarker> markers = new ArrayList<>();
        if (h != null) {
            for (ArchiveBucket.StoredVersion v : h.versions()) {
                versions.add(entry(v));
            }
            for (ArchiveBucket.StoredVersion m : h.deleteMarkers()) {
                markers.add(new DeleteMarker(m.key(), m.versionId(), m.storedAt()));
            }
        }
        return new DigestGap(interval, versions, markers);
    }

    /**
     * Where a new chain starts: the interval of the app's oldest object (deleted ones too); for a configured app
     * without objects, the newest closed interval (so that its silence is on record from now on).
     */
    private Optional<DigestInterval> genesis(String app, Instant now) {
        Optional<Instant> oldest = Optional.empty();
        for (DatedKeyFormat format : DigestLayout.COVERED) {
            Optional<Instant> first = bucket.firstKey(format.appPrefix(app), k -> format.timeOf(app, k) != null)
                    .map(k -> format.timeOf(app, k));
            if (first.isPresent() && (oldest.isEmpty() || first.get().isBefore(oldest.get()))) {
                oldest = first;
            }
        }
        if (oldest.isPresent()) {
            return Optional.of(DigestInterval.containing(oldest.get(), policy.interval()));
        }
        if (policy.apps().contains(app)) {
            return Optional.of(DigestInterval.containing(now.minus(policy.grace()), policy.interval()).previous());
        }
        return Optional.empty();
    }

    /** Every version and delete marker of an interval's keys. */
    private record Recorded(List<DigestEntry> versions, List<DeleteMarker> deleteMarkers) {
    }

    private Recorded record(String app, DigestInterval interval, Backlog backlog) {
        List<DigestEntry> versions = new ArrayList<>();
        List<DeleteMarker> markers = new ArrayList<>();
        for (DatedKeyFormat format : DigestLayout.COVERED) {
            for (ArchiveBucket.StoredVersion v : backlog.versions(format, interval)) {
                // A name neither the receiver nor the verification can have written is left out; verify-archive
                // reports it as extra.
                if (format.timeOf(app, v.key()) == null) {
                    continue;
                }
                if (v.deleteMarker()) {
                    markers.add(new DeleteMarker(v.key(), v.versionId(), v.storedAt()));
                } else {
                    versions.add(entry(v));
                }
            }
        }
        return new Recorded(versions, markers);
    }

    /**
     * The version listings of one app's run. A run that is behind (after an outage, or the first one over an existing
     * archive) closes many intervals: it lists a month of each kind of key at once, from the interval at hand up to
     * what is due, and serves the following intervals from that listing while it is younger than {@link #FRESH}. An
     * object stored after a listing is then stored less than {@link #STORE_SKEW} before the digest written from it,
     * so the next run's late pass still finds it. A run with one interval due lists as much as before: once per kind.
     */
    private final class Backlog {
        private final String app;
        private final Instant dueUntil;
        private final Map<DatedKeyFormat, Window> windows = new HashMap<>();

        private record Window(Instant from, Instant to, long listedAt, List<ArchiveBucket.StoredVersion> versions) {
        }

        Backlog(String app, Instant dueUntil) {
            this.app = app;
            this.dueUntil = dueUntil;
        }

        List<ArchiveBucket.StoredVersion> versions(DatedKeyFormat format, DigestInterval interval) {
            Window w = windows.get(format);
            if (w == null || interval.start().isBefore(w.from()) || interval.end().isAfter(w.to())
                    || nanoTime.getAsLong() - w.listedAt() > FRESH.toNanos()) {
                LocalDate day = interval.day();
                Instant monthEnd = day.withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
                // Intervals never cross midnight, so the interval ends by the month's end; what is due ends later.
                Instant to = dueUntil.isBefore(monthEnd) ? dueUntil : monthEnd;
                to = to.isBefore(interval.end()) ? interval.end() : to;
                String dayPrefix = format.dayPrefix(app, day);
                String monthPrefix = dayPrefix.substring(0, dayPrefix.length() - "DD/".length());
                long listedAt = nanoTime.getAsLong();
                w = new Window(interval.start(), to, listedAt, bucket.versions(monthPrefix,
                        format.startAfter(app, interval.start()), format.startAfter(app, to)));
                windows.put(format, w);
            }
            ObjectKeyRange range = ObjectKeyRange.of(format, app, interval);
            return w.versions().stream().filter(v -> range.contains(v.key())).toList();
        }
    }

    private DigestEntry entry(ArchiveBucket.StoredVersion v) {
        // The size and time come from the read itself, so they describe exactly the bytes hashed.
        ArchiveBucket.HashedObject h = bucket.hash(v.key(), v.versionId());
        return new DigestEntry(v.key(), h.versionId(), h.size(), h.sha256(), h.storedAt());
    }

    /** Versions of the late window before {@code next} that arrived after their digest and are in no digest yet. */
    private List<DigestEntry> lateObjects(String app, DigestInterval next, TreeMap<Instant, KeyHistory> history) {
        if (policy.lateWindow().isZero()) {
            return List.of();
        }
        Instant from = next.start().minus(policy.lateWindow());
        List<LocalDate> days = ObjectKeyLayout.days(from, next.start().minusMillis(1));
        record Suspect(ArchiveBucket.StoredVersion version, Instant time, Instant digestStart) {
        }
        List<Suspect> suspects = new ArrayList<>();
        for (DatedKeyFormat format : DigestLayout.COVERED) {
            String before = format.startAfter(app, next.start());
            for (int d = 0; d < days.size(); d++) {
                String prefix = format.dayPrefix(app, days.get(d));
                String after = d == 0 ? format.startAfter(app, from) : prefix;
                for (ArchiveBucket.StoredVersion v : bucket.versions(prefix, after, before)) {
                    Instant time = v.deleteMarker() ? null : format.timeOf(app, v.key());
                    Map.Entry<Instant, KeyHistory> digest = time == null ? null : history.floorEntry(time);
                    ArchiveBucket.StoredVersion written = digest == null ? null : digest.getValue().original();
                    if (written != null && !v.storedAt().isBefore(written.storedAt().minus(STORE_SKEW))) {
                        suspects.add(new Suspect(v, time, digest.getKey()));
                    }
                }
            }
        }
        if (suspects.isEmpty()) {
            return List.of();
        }
        Instant earliest = suspects.stream().map(Suspect::digestStart).min(Instant::compareTo).orElseThrow();
        Set<String> covered = new HashSet<>();
        Map<Instant, DigestInterval> intervals = new TreeMap<>();
        for (KeyHistory h : history.tailMap(earliest, true).values()) {
            if (h.original() == null) {
                continue;
            }
            ArchiveDigest digest;
            try {
                // The first version is the digester's; a later one is someone else's and covers nothing.
                digest = SignedDigest.parse(bucket.read(h.key(), h.original().versionId())).digest();
            } catch (MalformedDigestException e) {
                continue;
            }
            intervals.put(digest.interval().start(), digest.interval());
            digest.objects().forEach(e -> covered.add(e.key() + '\n' + e.versionId()));
            digest.lateObjects().forEach(e -> covered.add(e.key() + '\n' + e.versionId()));
        }
        List<DigestEntry> late = new ArrayList<>();
        for (Suspect s : suspects) {
            DigestInterval own = intervals.get(s.digestStart());
            // Not covered, and its own interval has a digest (else verify-archive reports that digest missing).
            if (!covered.contains(s.version().key() + '\n' + s.version().versionId()) && own != null
                    && own.contains(s.time())) {
                late.add(entry(s.version()));
            }
        }
        return late;
    }
}
