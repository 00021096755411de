package io.auditdrain.verifier.evidence;

import io.auditdrain.core.InvalidObjectKeyException;
import io.auditdrain.core.ObjectKey;
import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.digest.ArchiveDigest;
import io.auditdrain.digest.DigestEntry;
import io.auditdrain.digest.DigestLayout;
import io.auditdrain.digest.DigestLink;
import io.auditdrain.digest.DigestVerifier;
import io.auditdrain.digest.MalformedDigestException;
import io.auditdrain.digest.Sha256;
import io.auditdrain.digest.SignedDigest;
import io.auditdrain.verifier.evidence.ArchiveReport.Finding;
import io.auditdrain.verifier.evidence.ArchiveReport.IntervalReport;
import io.auditdrain.verifier.store.ArchiveReadException;
import io.auditdrain.verifier.store.ArchiveReader;
import io.auditdrain.verifier.store.StoredObject;
import io.auditdrain.verifier.store.VersionedObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Checks an app's archive against its digests over a time range, the way {@code aws cloudtrail validate-logs}
 * checks CloudTrail's: it walks the chain of digests (each signature verified locally with the trusted key, each link
 * to the previous digest's key and signature hash), reads every object a digest lists and recomputes its SHA-256,
 * compares the listed version with the current one, and lists the range's keys to find objects no digest holds.
 *
 * <p>The intervals are the digests' own; where a digest is missing, the neighbours' length fills the gap. Objects
 * are assigned to intervals by their key's time, exactly as the digester assigns them; a digest's
 * {@code late_objects} are checked in the interval their keys belong to, up to the late window after the range.
 */
public final class ArchiveVerification {

    /** What a long run reports while it reads. */
    public interface Progress {
        void interval(int done, int total, int objectsChecked);

        Progress NONE = (done, total, objects) -> {
        };
    }

    /** Used for a gap when no digest of the range says how long its intervals are. */
    static final Duration DEFAULT_LENGTH = Duration.ofHours(1);

    private final ArchiveReader store;
    private final String app;
    private final DigestVerifier verifier;
    private final Clock clock;
    private final Duration pending;
    private final Progress progress;

    /**
     * @param pending how long after an interval's end its digest may still be missing without a finding (the
     *                digester's grace plus its schedule)
     */
    public ArchiveVerification(ArchiveReader store, String app, DigestVerifier verifier, Clock clock, Duration pending,
                               Progress progress) {
        this.store = store;
        this.app = app;
        this.verifier = verifier;
        this.clock = clock;
        this.pending = pending;
        this.progress = progress;
    }

    /** A digest as found in the store: parsed and verified, or the reason it is not valid. */
    private record FoundDigest(String key, Instant start, Instant storedAt, SignedDigest signed, String invalid) {
        boolean valid() {
            return invalid == null;
        }
    }

    /** One interval of the range, with its digest if there is one. */
    private record Slot(Instant start, Instant end, FoundDigest digest) {
        boolean contains(Instant t) {
            return !t.isBefore(start) && t.isBefore(end);
        }
    }

    /** Where an object is accounted for: the entry, and whether it was recorded late. */
    private record Covered(DigestEntry entry, String digestKey, boolean late) {
    }

    public ArchiveReport verify(Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("--from must be before --to");
        }
        Instant now = clock.instant();
        List<String> notes = new ArrayList<>();
        TreeMap<Instant, FoundDigest> digests = readDigests(ObjectKeyLayout.days(from, to.minusMillis(1)));
        List<Slot> grid = grid(from, to, digests);
        Instant gridStart = grid.get(0).start();
        Instant gridEnd = grid.get(grid.size() - 1).end();

        // Digests after the range may hold late objects of it.
        Duration lateWindow = Duration.ZERO;
        Duration length = DEFAULT_LENGTH;
        for (Slot s : grid) {
            if (s.digest() != null && s.digest().valid()) {
                ArchiveDigest d = s.digest().signed().digest();
                lateWindow = d.lateWindow().compareTo(lateWindow) > 0 ? d.lateWindow() : lateWindow;
                length = d.interval().length();
            }
        }
        Instant lateUntil = gridEnd.plus(lateWindow).plus(length);
        if (lateUntil.isAfter(now)) {
            lateUntil = now;
        }
        List<FoundDigest> after = new ArrayList<>();
        if (lateUntil.isAfter(gridEnd)) {
            for (FoundDigest d : readDigests(ObjectKeyLayout.days(gridEnd, lateUntil)).values()) {
                if (!d.start().isBefore(gridEnd) && d.start().isBefore(lateUntil)) {
                    after.add(d);
                }
            }
        }
        for (FoundDigest d : digests.values()) {
            boolean placed = grid.stream().anyMatch(s -> s.digest() == d);
            if (!placed && !d.start().isBefore(gridStart) && d.start().isBefore(gridEnd)) {
                notes.add(d.key() + " is not on the chain of intervals (it overlaps another digest's interval)");
            }
        }

        Map<String, StoredObject> listed = listObjects(grid);
        Map<String, Covered> covered = new HashMap<>();
        for (Slot s : grid) {
            if (s.digest() != null && s.digest().valid()) {
                for (DigestEntry e : s.digest().signed().digest().objects()) {
                    covered.put(e.key(), new Covered(e, s.digest().key(), false));
                }
            }
        }
        List<FoundDigest> withLateLists = new ArrayList<>();
        grid.stream().map(Slot::digest).filter(d -> d != null && d.valid()).forEach(withLateLists::add);
        after.stream().filter(FoundDigest::valid).forEach(withLateLists::add);
        for (FoundDigest d : withLateLists) {
            for (DigestEntry e : d.signed().digest().lateObjects()) {
                covered.putIfAbsent(e.key(), new Covered(e, d.key(), true));
            }
        }
        Instant genesis = genesis(grid);
        FoundDigest newestDigest = newest(grid, after);
        Map<Slot, List<String>> keysBySlot = assign(listed, grid);

        List<IntervalReport> reports = new ArrayList<>();
        int objectsChecked = 0;
        int lateChecked = 0;
        for (int i = 0; i < grid.size(); i++) {
            Slot slot = grid.get(i);
            List<Finding> findings = new ArrayList<>();
            IntervalStatus status = IntervalStatus.VALID;
            List<String> keysHere = keysBySlot.getOrDefault(slot, List.of());
            int checked = 0;
            int late = 0;
            FoundDigest d = slot.digest();
            boolean digestUsable = d != null && d.valid();
            if (d == null) {
                if (genesis != null && !slot.end().isAfter(genesis)) {
                    status = IntervalStatus.BEFORE_CHAIN;
                } else if (slot.end().plus(pending).isAfter(now)) {
                    status = IntervalStatus.PENDING;
                } else {
                    findings.add(new Finding(IntervalStatus.DIGEST_MISSING, DigestLayout.key(app, slot.start()),
                            "no digest in the store; " + keysHere.size() + " object" + plural(keysHere.size())
                                    + " of this interval unverified"));
                }
            } else if (!d.valid()) {
                findings.add(new Finding(IntervalStatus.DIGEST_INVALID, d.key(), d.invalid() + "; "
                        + keysHere.size() + " object" + plural(keysHere.size()) + " of this interval unverified"));
            } else {
                chainProblem(grid, i, notes).ifPresent(p -> findings.add(
                        new Finding(IntervalStatus.CHAIN_BROKEN, d.key(), p)));
            }
            // Every object a digest accounts for in this interval, listed or not.
            Map<String, Covered> accounted = new LinkedHashMap<>();
            if (digestUsable) {
                for (DigestEntry e : d.signed().digest().objects()) {
                    accounted.put(e.key(), covered.get(e.key()));
                }
            }
            for (Map.Entry<String, Covered> c : covered.entrySet()) {
                if (c.getValue().late() && slot.contains(timeOf(c.getKey()))) {
                    accounted.putIfAbsent(c.getKey(), c.getValue());
                }
            }
            for (Covered c : accounted.values()) {
                checkEntry(c.entry(), listed.get(c.entry().key())).ifPresent(findings::add);
                checked++;
                late += c.late() ? 1 : 0;
            }
            if (digestUsable || (d == null && status == IntervalStatus.BEFORE_CHAIN)) {
                for (String key : keysHere) {
                    if (!accounted.containsKey(key)) {
                        findings.add(new Finding(IntervalStatus.EXTRA_OBJECT, key,
                                extraDetail(key, listed.get(key), genesis, newestDigest)));
                    }
                }
            }
            for (Finding f : findings) {
                status = status.worse(f.kind());
            }
            objectsChecked += checked;
            lateChecked += late;
            reports.add(new IntervalReport(slot.start(), slot.end(), d != null ? d.key()
                    : DigestLayout.key(app, slot.start()), status, checked, late, findings));
            progress.interval(i + 1, grid.size(), objectsChecked);
        }
        return new ArchiveReport(from, to, reports, notes, objectsChecked, lateChecked);
    }

    /** Every digest of the app on those days, by the start of its interval. */
    private TreeMap<Instant, FoundDigest> readDigests(List<LocalDate> days) {
        TreeMap<Instant, FoundDigest> digests = new TreeMap<>();
        for (LocalDate day : days) {
            String prefix = DigestLayout.dayPrefix(app, day);
            for (StoredObject o : store.listAfter(prefix, prefix)) {
                DigestLayout.DigestKey parsed;
                try {
                    parsed = DigestLayout.parse(o.key());
                } catch (IllegalArgumentException notADigest) {
                    continue;
                }
                digests.put(parsed.start(), read(o.key(), parsed.start(), o.storedAt()));
            }
        }
        return digests;
    }

    private FoundDigest read(String key, Instant start, Instant storedAt) {
        SignedDigest signed;
        try {
            signed = SignedDigest.parse(store.read(key));
        } catch (MalformedDigestException e) {
            return new FoundDigest(key, start, storedAt, null, "not a valid digest: " + e.getMessage());
        }
        if (!signed.digest().key().equals(key)) {
            return new FoundDigest(key, start, storedAt, null, "it names itself " + signed.digest().key());
        }
        if (!signed.digest().app().equals(app)) {
            return new FoundDigest(key, start, storedAt, null, "it is a digest of app " + signed.digest().app());
        }
        if (!verifier.signatureValid(signed)) {
            return new FoundDigest(key, start, storedAt, null, "its signature does not verify with the trusted key"
                    + " (signed by " + signed.signature().keyId() + ", or changed after signing)");
        }
        return new FoundDigest(key, start, storedAt, signed, null);
    }

    /** The intervals of the range: the digests' own, gaps filled with their neighbours' length. */
    private List<Slot> grid(Instant from, Instant to, TreeMap<Instant, FoundDigest> digests) {
        Duration length = DEFAULT_LENGTH;
        Map.Entry<Instant, FoundDigest> first = digests.floorEntry(from);
        Instant cursor;
        if (first != null && first.getValue().valid()
                && first.getValue().signed().digest().interval().end().isAfter(from)) {
            cursor = first.getKey();
            length = first.getValue().signed().digest().interval().length();
        } else {
            FoundDigest next = digests.values().stream().filter(FoundDigest::valid).findFirst().orElse(null);
            if (next != null) {
                length = next.signed().digest().interval().length();
            }
            cursor = Instant.ofEpochMilli(Math.floorDiv(from.toEpochMilli(), length.toMillis()) * length.toMillis());
        }
        List<Slot> grid = new ArrayList<>();
        while (cursor.isBefore(to)) {
            FoundDigest d = digests.get(cursor);
            Instant end;
            if (d != null && d.valid()) {
                length = d.signed().digest().interval().length();
                end = d.signed().digest().interval().end();
            } else {
                end = cursor.plus(length);
                Instant nextStart = digests.higherKey(cursor);
                if (nextStart != null && nextStart.isBefore(end)) {
                    end = nextStart;
                }
            }
            grid.add(new Slot(cursor, end, d));
            cursor = end;
        }
        return grid;
    }

    /**
     * Why the digest of {@code grid[i]} does not continue the chain, if it does not. A link to the interval before
     * whose digest is missing or invalid is no further finding: that interval is reported itself.
     */
    private Optional<String> chainProblem(List<Slot> grid, int i, List<String> notes) {
        SignedDigest here = grid.get(i).digest().signed();
        DigestLink link = here.digest().previous();
        Slot before = i > 0 ? grid.get(i - 1) : null;
        if (link == null) {
            return before != null && before.digest() != null
                    ? Optional.of("it starts a new chain although " + before.digest().key() + " precedes it")
                    : Optional.empty();
        }
        if (before != null) {
            if (before.digest() != null && before.digest().valid()) {
                return DigestVerifier.linkProblem(before.digest().signed(), here);
            }
            String expected = DigestLayout.key(app, before.start());
            return link.key().equals(expected) ? Optional.empty()
                    : Optional.of("it links to " + link.key() + ", not to " + expected + " before it");
        }
        // The first interval of the range: follow the link one step back, outside the range.
        Instant previousStart = DigestLayout.parse(link.key()).start();
        TreeMap<Instant, FoundDigest> previous;
        try {
            previous = readDigests(List.of(LocalDate.ofInstant(previousStart, java.time.ZoneOffset.UTC)));
        } catch (ArchiveReadException e) {
            notes.add("the digest before the range, " + link.key() + ", could not be read: " + e.getMessage());
            return Optional.empty();
        }
        FoundDigest p = previous.get(previousStart);
        if (p == null) {
            notes.add("the digest before the range, " + link.key() + ", is not in the store (expired, or deleted):"
                    + " start --from earlier to check the chain before " + here.digest().key());
            return Optional.empty();
        }
        if (!p.valid()) {
            return Optional.of("it links to " + link.key() + " (before the range), which is invalid: " + p.invalid());
        }
        return DigestVerifier.linkProblem(p.signed(), here);
    }

    /** The start of the app's chain, when a digest of the range is its first one. */
    private static Instant genesis(List<Slot> grid) {
        for (Slot s : grid) {
            if (s.digest() != null && s.digest().valid()) {
                return s.digest().signed().digest().previous() == null ? s.start() : null;
            }
        }
        return null;
    }

    /** The most recently stored valid digest read (the chain's head, as far as this run looked). */
    private static FoundDigest newest(List<Slot> grid, List<FoundDigest> after) {
        FoundDigest newest = null;
        List<FoundDigest> all = new ArrayList<>(after);
        grid.stream().map(Slot::digest).filter(d -> d != null).forEach(all::add);
        for (FoundDigest d : all) {
            if (d.valid() && (newest == null || d.storedAt().isAfter(newest.storedAt()))) {
                newest = d;
            }
        }
        return newest;
    }

    /** Every key under the app's day prefixes of the grid, from its start to its end. */
    private Map<String, StoredObject> listObjects(List<Slot> grid) {
        Instant start = grid.get(0).start();
        Instant end = grid.get(grid.size() - 1).end();
        String before = ObjectKeyLayout.startAfter(app, end);
        Map<String, StoredObject> listed = new LinkedHashMap<>();
        List<LocalDate> days = ObjectKeyLayout.days(start, end.minusMillis(1));
        for (int i = 0; i < days.size(); i++) {
            String prefix = ObjectKeyLayout.dayPrefix(app, days.get(i));
            String after = i == 0 ? ObjectKeyLayout.startAfter(app, start) : prefix;
            for (StoredObject o : store.listAfter(prefix, after)) {
                if (o.key().compareTo(before) < 0) {
                    listed.put(o.key(), o);
                }
            }
        }
        return listed;
    }

    /**
     * The listed keys of each slot: a key of the layout in the slot that holds its time, a name the receiver cannot
     * have written in the first slot of its day.
     */
    private Map<Slot, List<String>> assign(Map<String, StoredObject> listed, List<Slot> grid) {
        TreeMap<Instant, Slot> byStart = new TreeMap<>();
        grid.forEach(s -> byStart.put(s.start(), s));
        Map<Slot, List<String>> keys = new HashMap<>();
        for (String key : listed.keySet()) {
            Instant t = timeOf(key);
            Map.Entry<Instant, Slot> floor = t == null ? null : byStart.floorEntry(t);
            Slot slot = t == null ? firstSlotOfDay(key, grid) : floor == null ? null : floor.getValue();
            if (slot != null && (t == null || slot.contains(t))) {
                keys.computeIfAbsent(slot, k -> new ArrayList<>()).add(key);
            }
        }
        return keys;
    }

    private Slot firstSlotOfDay(String key, List<Slot> grid) {
        String[] parts = key.split("/");
        LocalDate day;
        try {
            day = LocalDate.of(Integer.parseInt(parts[2]), Integer.parseInt(parts[3]), Integer.parseInt(parts[4]));
        } catch (RuntimeException e) {
            return grid.get(0);
        }
        for (Slot s : grid) {
            if (!LocalDate.ofInstant(s.end().minusMillis(1), java.time.ZoneOffset.UTC).isBefore(day)) {
                return s;
            }
        }
        return grid.get(grid.size() - 1);
    }

    /** The time of a key of the layout for this app, or null for any other name. */
    private Instant timeOf(String key) {
        try {
            ObjectKey parsed = ObjectKeyLayout.parse(key);
            return parsed.app().equals(app) ? parsed.time() : null;
        } catch (InvalidObjectKeyException e) {
            return null;
        }
    }

    /** Compares a digest's entry with what is stored now; empty when they agree. */
    private Optional<Finding> checkEntry(DigestEntry entry, StoredObject listed) {
        if (listed == null) {
            return Optional.of(new Finding(IntervalStatus.MISSING_OBJECT, entry.key(),
                    "deleted; " + digestedVersionState(entry)));
        }
        VersionedObject current = store.readCurrent(entry.key());
        String sha256 = Sha256.hex(current.bytes());
        if (entry.versionId() != null && current.versionId() != null && !entry.versionId().equals(current.versionId())) {
            return Optional.of(new Finding(IntervalStatus.MODIFIED, entry.key(), "overwritten: version "
                    + current.versionId() + " (sha256 " + sha256 + ") is current; " + digestedVersionState(entry)));
        }
        if (!sha256.equals(entry.sha256()) || current.bytes().length != entry.size()) {
            return Optional.of(new Finding(IntervalStatus.MODIFIED, entry.key(), "content differs: sha256 " + sha256
                    + ", " + current.bytes().length + " bytes; the digest holds sha256 " + entry.sha256() + ", "
                    + entry.size() + " bytes"));
        }
        return Optional.empty();
    }

    /** What became of the version a digest lists, for an auditor who wants it back. */
    private String digestedVersionState(DigestEntry entry) {
        if (entry.versionId() == null) {
            return "the digest lists no version to look for";
        }
        Optional<byte[]> version = store.readVersion(entry.key(), entry.versionId());
        if (version.isEmpty()) {
            return "the digested version " + entry.versionId() + " is not in the store either";
        }
        return Sha256.hex(version.get()).equals(entry.sha256())
                ? "the digested version " + entry.versionId() + " is intact in the bucket's version history"
                : "the digested version " + entry.versionId() + " exists but its content differs from the digest";
    }

    private String extraDetail(String key, StoredObject listed, Instant genesis, FoundDigest newest) {
        Instant t = timeOf(key);
        if (t == null) {
            return "not a key the receiver writes (logs/<app>/<YYYY>/<MM>/<DD>/<epoch_ms>-<uuid>.gz); in no digest";
        }
        if (genesis != null && t.isBefore(genesis)) {
            return "stored before the app's chain starts (" + genesis + "), in no digest";
        }
        StringBuilder detail = new StringBuilder("in no digest");
        if (listed.storedAt() != null) {
            detail.append("; stored at ").append(listed.storedAt());
            // The digester's next digest looks back its late window from the end of the newest one.
            if (newest != null && !listed.storedAt().isBefore(newest.storedAt()) && !t.isBefore(newest.signed()
                    .digest().interval().end().minus(newest.signed().digest().lateWindow()))) {
                detail.append(", after the newest digest: if it is a late delivery, the digester's next digest"
                        + " records it as late");
            }
        }
        return detail.toString();
    }

    private static String plural(int n) {
        return n == 1 ? "" : "s";
    }
}
