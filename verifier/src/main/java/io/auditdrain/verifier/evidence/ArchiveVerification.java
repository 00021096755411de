package io.auditdrain.verifier.evidence;

import io.auditdrain.core.DatedKeyFormat;
import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.digest.ArchiveDigest;
import io.auditdrain.digest.DeleteMarker;
import io.auditdrain.digest.DigestEntry;
import io.auditdrain.digest.DigestGap;
import io.auditdrain.digest.DigestLayout;
import io.auditdrain.digest.DigestLink;
import io.auditdrain.digest.DigestVerifier;
import io.auditdrain.digest.MalformedDigestException;
import io.auditdrain.digest.Sha256;
import io.auditdrain.digest.SignedDigest;
import io.auditdrain.verifier.Durations;
import io.auditdrain.verifier.evidence.ArchiveReport.Finding;
import io.auditdrain.verifier.evidence.ArchiveReport.IntervalReport;
import io.auditdrain.verifier.evidence.ArchiveReport.LateObject;
import io.auditdrain.verifier.store.ArchiveReadException;
import io.auditdrain.verifier.store.ArchiveReader;
import io.auditdrain.verifier.store.StoredVersion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks an app's archive against its digests over a time range, the way {@code aws cloudtrail validate-logs}
 * checks CloudTrail's, and reads version histories rather than what is current, so that evidence that was removed
 * and regrown still shows: it walks the chain of digests (each version of each digest key, signature verified
 * locally with the trusted key, each link to the previous digest's key and signature hash, and the gap a link
 * records), reads every object version a digest lists and recomputes its SHA-256, and reads the version history of
 * the range's keys to find what was deleted, overwritten or added since. The keys are those the digests cover
 * ({@link DigestLayout#COVERED}): the drained objects under {@code logs/} and the run records under {@code proof/}.
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
    private final Duration lateThreshold;
    private final Progress progress;

    /**
     * @param pending       how long after an interval's end its digest may still be missing without a finding, and
     *                      how late after it a digest may be written (the digester's grace plus its schedule)
     * @param lateThreshold how long after its newest line an object recorded late may have been stored before it is
     *                      a finding (Logplex's retry horizon, docs/digest-format.md)
     */
    public ArchiveVerification(ArchiveReader store, String app, DigestVerifier verifier, Clock clock, Duration pending,
                               Duration lateThreshold, Progress progress) {
        this.store = store;
        this.app = app;
        this.verifier = verifier;
        this.clock = clock;
        this.pending = pending;
        this.lateThreshold = lateThreshold;
        this.progress = progress;
    }

    /** One version of a digest key: parsed and verified, or the reason it is not valid. */
    private record DigestVersion(String versionId, Instant storedAt, SignedDigest signed, String invalid) {
        boolean valid() {
            return invalid == null;
        }
    }

    /**
     * A digest key as found in the store, with its whole history. The version that speaks for the interval is the
     * one the next digest's link names, else the oldest that verifies (the digester writes a key once).
     */
    private static final class FoundDigest {
        final String key;
        final Instant start;
        final List<DigestVersion> versions;
        final List<StoredVersion> deleteMarkers;
        DigestVersion chosen;

        FoundDigest(String key, Instant start, List<DigestVersion> versions, List<StoredVersion> deleteMarkers) {
            this.key = key;
            this.start = start;
            this.versions = versions;
            this.deleteMarkers = deleteMarkers;
            this.chosen = versions.stream().filter(DigestVersion::valid).findFirst().orElse(null);
        }

        boolean valid() {
            return chosen != null;
        }

        SignedDigest signed() {
            return chosen.signed();
        }

        ArchiveDigest digest() {
            return chosen.signed().digest();
        }

        String invalid() {
            return versions.isEmpty() ? "no version of it is left" : versions.get(0).invalid();
        }

        Instant storedAt() {
            return chosen.storedAt();
        }
    }

    /** One interval of the range, with its digest key's history if there is one. */
    private record Slot(Instant start, Instant end, FoundDigest digest) {
        boolean contains(Instant t) {
            return !t.isBefore(start) && t.isBefore(end);
        }
    }

    /** Where an object version is accounted for: the entry, which digest holds it, and whether as late. */
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

        // Digests after the range may hold late objects of it, and gaps over its last intervals.
        Duration lateWindow = Duration.ZERO;
        Duration length = DEFAULT_LENGTH;
        for (Slot s : grid) {
            if (s.digest() != null && s.digest().valid()) {
                ArchiveDigest d = s.digest().digest();
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
                if (!d.start.isBefore(gridEnd) && d.start.isBefore(lateUntil)) {
                    after.add(d);
                }
            }
        }
        List<FoundDigest> all = new ArrayList<>(digests.values());
        all.addAll(after);
        chooseLinkedVersions(all);
        for (FoundDigest d : digests.values()) {
            boolean placed = grid.stream().anyMatch(s -> s.digest() == d);
            if (!placed && !d.start.isBefore(gridStart) && d.start.isBefore(gridEnd)) {
                notes.add(d.key + " is not on the chain of intervals (it overlaps another digest's interval)");
            }
        }

        Map<String, List<StoredVersion>> histories = listHistories(grid);
        Map<String, Covered> covered = new HashMap<>();
        for (Slot s : grid) {
            if (s.digest() != null && s.digest().valid()) {
                for (DigestEntry e : s.digest().digest().objects()) {
                    covered.put(versionKey(e.key(), e.versionId()), new Covered(e, s.digest().key, false));
                }
            }
        }
        Map<Instant, String> gapRecordedBy = new HashMap<>();
        Map<Instant, DigestGap> gaps = new HashMap<>();
        for (FoundDigest d : all) {
            if (d.valid()) {
                for (DigestEntry e : d.digest().lateObjects()) {
                    covered.putIfAbsent(versionKey(e.key(), e.versionId()), new Covered(e, d.key, true));
                }
                for (DigestGap g : d.digest().gap()) {
                    gapRecordedBy.putIfAbsent(g.interval().start(), d.key);
                    gaps.putIfAbsent(g.interval().start(), g);
                }
            }
        }
        Instant genesis = genesis(grid);
        FoundDigest newestDigest = newest(grid, after);
        Map<Slot, List<String>> keysBySlot = assign(histories.keySet(), grid);
        // The versions recorded late, by the interval their keys belong to.
        TreeMap<Instant, Slot> slotsByStart = new TreeMap<>();
        grid.forEach(s -> slotsByStart.put(s.start(), s));
        Map<Slot, Map<String, List<Covered>>> lateBySlot = new HashMap<>();
        for (Covered c : covered.values()) {
            Instant t = c.late() ? timeOf(c.entry().key()) : null;
            Map.Entry<Instant, Slot> floor = t == null ? null : slotsByStart.floorEntry(t);
            if (floor != null && floor.getValue().contains(t)) {
                lateBySlot.computeIfAbsent(floor.getValue(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(c.entry().key(), k -> new ArrayList<>()).add(c);
            }
        }

        List<IntervalReport> reports = new ArrayList<>();
        List<LateObject> lateObjects = new ArrayList<>();
        int objectsChecked = 0;
        for (int i = 0; i < grid.size(); i++) {
            Slot slot = grid.get(i);
            List<Finding> findings = new ArrayList<>();
            IntervalStatus status = IntervalStatus.VALID;
            List<String> keysHere = keysBySlot.getOrDefault(slot, List.of());
            FoundDigest d = slot.digest();
            boolean digestUsable = d != null && d.valid();
            String digestKey = d != null ? d.key : DigestLayout.key(app, slot.start());
            DigestGap gap = gaps.get(slot.start());
            if (d == null) {
                if (gap != null) {
                    findings.add(new Finding(IntervalStatus.DIGEST_MISSING, digestKey, "gone from the version"
                            + " history (deleted for good): " + gapRecord(gap, gapRecordedBy.get(slot.start()))
                            + "; " + unverified(keysHere, histories)));
                } else if (genesis != null && !slot.end().isAfter(genesis)) {
                    status = IntervalStatus.BEFORE_CHAIN;
                } else if (slot.end().plus(pending).isAfter(now)) {
                    status = IntervalStatus.PENDING;
                } else {
                    findings.add(new Finding(IntervalStatus.DIGEST_MISSING, digestKey, "no digest in the store nor"
                            + " in its version history; " + unverified(keysHere, histories)));
                }
            } else {
                digestFindings(d, slot, gap, gapRecordedBy.get(slot.start()), keysHere, histories, findings);
                if (digestUsable) {
                    chainProblem(grid, i, notes).ifPresent(p -> findings.add(
                            new Finding(IntervalStatus.CHAIN_BROKEN, d.key, p)));
                }
            }
            int checked = 0;
            int late = 0;
            if (digestUsable || (d == null && status == IntervalStatus.BEFORE_CHAIN)) {
                // Every key of the interval: those in its history, those its digest lists, those recorded late.
                TreeSet<String> keys = new TreeSet<>(keysHere);
                Map<String, List<DigestEntry>> digested = new LinkedHashMap<>();
                if (digestUsable) {
                    for (DigestEntry e : d.digest().objects()) {
                        digested.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e);
                        keys.add(e.key());
                    }
                }
                Map<String, List<Covered>> lateHere = lateBySlot.getOrDefault(slot, Map.of());
                keys.addAll(lateHere.keySet());
                for (String key : keys) {
                    List<StoredVersion> history = histories.getOrDefault(key, List.of());
                    List<DigestEntry> entries = digested.getOrDefault(key, List.of());
                    List<Covered> lateEntries = lateHere.getOrDefault(key, List.of());
                    checkKey(key, history, entries, lateEntries, digestUsable ? d.digest() : null, covered, genesis,
                            newestDigest, findings, lateObjects);
                    if (!entries.isEmpty() || !lateEntries.isEmpty()) {
                        checked++;
                        late += entries.isEmpty() ? 1 : 0;
                    }
                }
            }
            for (Finding f : findings) {
                status = status.worse(f.kind());
            }
            objectsChecked += checked;
            reports.add(new IntervalReport(slot.start(), slot.end(), digestKey, status, checked, late, findings));
            progress.interval(i + 1, grid.size(), objectsChecked);
        }
        return new ArchiveReport(from, to, reports, notes, objectsChecked, lateObjects, lateThreshold);
    }

    /** What is wrong with a digest key's history and its chosen version, if anything. */
    private void digestFindings(FoundDigest d, Slot slot, DigestGap gap, String gapRecordedBy, List<String> keysHere,
                                Map<String, List<StoredVersion>> histories, List<Finding> findings) {
        String lists = d.valid() ? "; version " + d.chosen.versionId() + " verifies and lists "
                + count(d.digest().objects().stream().map(DigestEntry::key).distinct().count(), "object")
                + ", checked below" : "";
        if (!d.deleteMarkers.isEmpty()) {
            StoredVersion marker = d.deleteMarkers.get(d.deleteMarkers.size() - 1);
            findings.add(new Finding(IntervalStatus.DIGEST_DELETED, d.key, "deleted at " + marker.storedAt()
                    + " (delete marker " + marker.versionId() + ")" + (d.versions.isEmpty()
                    ? "; no version of it is left: " + unverified(keysHere, histories) : lists)
                    + (gap != null ? "; " + gapRecord(gap, gapRecordedBy) : "")));
        }
        if (d.versions.size() > 1) {
            List<String> described = new ArrayList<>();
            for (DigestVersion v : d.versions) {
                described.add(v.versionId() + " stored at " + v.storedAt() + (v.valid() ? " (verifies"
                        + (v == d.chosen ? ", the one checked" : "") + ")" : " (" + v.invalid() + ")"));
            }
            findings.add(new Finding(IntervalStatus.DIGEST_REPLACED, d.key, d.versions.size() + " versions, but the"
                    + " digester writes a digest once: " + String.join("; ", described)
                    + (gap != null ? "; " + gapRecord(gap, gapRecordedBy) : "")));
        }
        if (gap != null && d.deleteMarkers.isEmpty() && d.versions.size() <= 1) {
            // The digester saw a tampered history here; what is left looks whole, so something was removed since.
            findings.add(new Finding(gap.deleteMarkers().isEmpty() ? IntervalStatus.DIGEST_REPLACED
                    : IntervalStatus.DIGEST_DELETED, d.key, gapRecord(gap, gapRecordedBy) + "; its history now"
                    + " holds " + count(d.versions.size(), "version") + " and no delete marker: versions or delete"
                    + " markers were removed since" + lists));
        }
        if (!d.valid()) {
            if (!d.versions.isEmpty()) {
                findings.add(new Finding(IntervalStatus.DIGEST_INVALID, d.key, d.invalid() + "; "
                        + unverified(keysHere, histories)));
            }
            return;
        }
        Instant created = d.digest().created();
        Instant closed = d.digest().interval().end();
        if (created.isAfter(closed.plus(pending))) {
            findings.add(new Finding(IntervalStatus.DIGEST_LATE, d.key, "created at " + created + ", "
                    + Durations.formatRounded(Duration.between(closed, created)) + " after its interval ended (the"
                    + " digester writes one within " + Durations.format(pending) + "): it shows only what was left"
                    + " then, so whatever was removed before it was written is not in it"
                    + (d.digest().gap().isEmpty() ? "" : "; it links over a gap of "
                    + count(d.digest().gap().size(), "interval"))));
        }
    }

    /** What a later digest's gap says the digester found for this interval's digest key. */
    private static String gapRecord(DigestGap gap, String recordedBy) {
        return "the chain links over it: " + recordedBy + " records that its history then held "
                + count(gap.versions().size(), "version") + " and " + count(gap.deleteMarkers().size(),
                "delete marker");
    }

    /** How many objects of an interval no digest verifies: what the history shows of them. */
    private String unverified(List<String> keysHere, Map<String, List<StoredVersion>> histories) {
        long deleted = keysHere.stream().filter(k -> {
            List<StoredVersion> h = histories.get(k);
            return h != null && !h.isEmpty() && h.get(h.size() - 1).deleteMarker();
        }).count();
        return count(keysHere.size(), "object") + " of this interval unverified"
                + (deleted > 0 ? " (" + deleted + " of them deleted, their versions in the history)" : "");
    }

    /** Compares one key's version history with what the digests say of it. */
    private void checkKey(String key, List<StoredVersion> history, List<DigestEntry> entries, List<Covered> lateEntries,
                          ArchiveDigest digest, Map<String, Covered> covered, Instant genesis, FoundDigest newest,
                          List<Finding> findings, List<LateObject> lateObjects) {
        List<StoredVersion> versions = history.stream().filter(v -> !v.deleteMarker()).toList();
        List<StoredVersion> markers = history.stream().filter(StoredVersion::deleteMarker).toList();
        boolean versioned = versions.stream().anyMatch(v -> v.versionId() != null) || !markers.isEmpty();
        Instant t = timeOf(key);
        if (t == null) {
            findings.add(new Finding(IntervalStatus.EXTRA_OBJECT, key,
                    "not a key the receiver writes (logs/<app>/<YYYY>/<MM>/<DD>/<epoch_ms>-<uuid>.gz); in no digest"));
            return;
        }
        // The versions the digests list must be there, with their bytes.
        DigestEntry reference = null;
        for (DigestEntry e : entries.isEmpty() ? lateEntries.stream().map(Covered::entry).toList() : entries) {
            reference = reference == null ? e : reference;
            Optional<StoredVersion> kept = versions.stream().filter(v -> !versioned || e.versionId() == null
                    || e.versionId().equals(v.versionId())).findFirst();
            if (kept.isEmpty()) {
                if (markers.isEmpty()) {
                    findings.add(new Finding(IntervalStatus.MISSING_OBJECT, key, versions.isEmpty()
                            ? "deleted, with every version: the digested version " + e.versionId() + " is not in the"
                            + " bucket's version history either"
                            : "the digested version " + e.versionId() + " is gone from the version history (deleted"
                            + " for good)"));
                }
                continue;
            }
            byte[] bytes = versioned && kept.get().versionId() != null
                    ? store.readVersion(key, kept.get().versionId()).orElse(null) : store.read(key);
            String sha256 = bytes == null ? null : Sha256.hex(bytes);
            if (bytes != null && (!sha256.equals(e.sha256()) || bytes.length != e.size())) {
                findings.add(new Finding(IntervalStatus.MODIFIED, key, "content differs: sha256 " + sha256 + ", "
                        + bytes.length + " bytes; the digest holds sha256 " + e.sha256() + ", " + e.size() + " bytes"));
            }
        }
        if (!markers.isEmpty()) {
            StoredVersion marker = markers.get(markers.size() - 1);
            boolean recorded = digest != null && digest.deleted().stream().map(DeleteMarker::versionId)
                    .anyMatch(marker.versionId()::equals);
            String state = reference == null ? "" : "; " + digestedVersionState(reference);
            findings.add(new Finding(IntervalStatus.MISSING_OBJECT, key, "deleted at " + marker.storedAt()
                    + " (delete marker " + marker.versionId() + ")" + (recorded
                    ? ", before its digest was written: the digest records the version and the deletion" : "")
                    + (history.get(history.size() - 1).deleteMarker() ? "" : ", then written again") + state));
        }
        if (versions.size() > 1) {
            StoredVersion first = versions.get(0);
            byte[] original = first.versionId() == null ? null : store.readVersion(key, first.versionId()).orElse(null);
            List<String> later = new ArrayList<>();
            for (StoredVersion v : versions.subList(1, versions.size())) {
                byte[] bytes = store.readVersion(key, v.versionId()).orElse(new byte[0]);
                Covered c = covered.get(versionKey(key, v.versionId()));
                later.add("version " + v.versionId() + " stored at " + v.storedAt() + " (sha256 " + Sha256.hex(bytes)
                        + (original != null && java.util.Arrays.equals(original, bytes) ? ", identical bytes"
                        : ", different bytes") + (c != null && c.late() ? ", recorded late by " + c.digestKey() : "")
                        + ")");
            }
            findings.add(new Finding(IntervalStatus.MODIFIED, key, "overwritten: " + String.join("; ", later)
                    + "; the receiver writes a key once, so only version " + first.versionId() + " of "
                    + first.storedAt() + " is its own" + (reference == null ? ""
                    : "; " + digestedVersionState(reference))));
        }
        if (entries.isEmpty() && lateEntries.isEmpty()) {
            if (!versions.isEmpty()) {
                findings.add(new Finding(IntervalStatus.EXTRA_OBJECT, key, extraDetail(t, versions.get(0), genesis,
                        newest)));
            }
            return;
        }
        if (entries.isEmpty()) {
            Covered c = lateEntries.get(0);
            Duration delay = Duration.between(t, c.entry().storedAt());
            boolean finding = delay.compareTo(lateThreshold) > 0;
            lateObjects.add(new LateObject(key, c.entry().versionId(), c.entry().storedAt(), delay, c.digestKey(),
                    finding));
            if (finding) {
                findings.add(new Finding(IntervalStatus.LATE_OBJECT, key, "recorded late by " + c.digestKey()
                        + ": stored at " + c.entry().storedAt() + ", " + Durations.formatRounded(delay) + " after its"
                        + " newest line, beyond the " + Durations.format(lateThreshold) + " in which Logplex delivers"
                        + " or drops a batch: a forged, copied or backdated object, not a delivery"));
            }
        }
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

    private String extraDetail(Instant t, StoredVersion first, Instant genesis, FoundDigest newest) {
        if (genesis != null && t.isBefore(genesis)) {
            return "stored before the app's chain starts (" + genesis + "), in no digest";
        }
        StringBuilder detail = new StringBuilder("in no digest");
        if (first.storedAt() != null) {
            Duration delay = Duration.between(t, first.storedAt());
            detail.append("; stored at ").append(first.storedAt()).append(", ").append(Durations.formatRounded(delay))
                    .append(" after its newest line");
            if (delay.compareTo(lateThreshold) > 0) {
                detail.append(": beyond the ").append(Durations.format(lateThreshold)).append(" in which Logplex"
                        + " delivers or drops a batch, so a later digest recording it as late does not make it valid");
            } else if (newest != null && !first.storedAt().isBefore(newest.storedAt())) {
                detail.append(", after the newest digest: the digester's next digest records it");
            }
        }
        return detail.toString();
    }

    /**
     * Every digest key of the app on those days, with its history, by the start of its interval. Each version is
     * read and verified.
     */
    private TreeMap<Instant, FoundDigest> readDigests(List<LocalDate> days) {
        TreeMap<Instant, FoundDigest> digests = new TreeMap<>();
        for (List<LocalDate> month : byMonth(days)) {
            LocalDate first = month.get(0);
            LocalDate last = month.get(month.size() - 1);
            String prefix = monthPrefix(DigestLayout.dayPrefix(app, first));
            Map<String, List<StoredVersion>> byKey = new LinkedHashMap<>();
            for (StoredVersion v : store.listVersions(prefix, dayBefore(DigestLayout.dayPrefix(app, first)),
                    DigestLayout.dayPrefix(app, last) + Character.MAX_VALUE)) {
                byKey.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(v);
            }
            for (Map.Entry<String, List<StoredVersion>> e : byKey.entrySet()) {
                DigestLayout.DigestKey parsed;
                try {
                    parsed = DigestLayout.parse(e.getKey());
                } catch (IllegalArgumentException notADigest) {
                    continue;
                }
                List<DigestVersion> versions = new ArrayList<>();
                List<StoredVersion> markers = new ArrayList<>();
                for (StoredVersion v : e.getValue()) {
                    if (v.deleteMarker()) {
                        markers.add(v);
                    } else {
                        versions.add(read(e.getKey(), v));
                    }
                }
                digests.put(parsed.start(), new FoundDigest(e.getKey(), parsed.start(), versions, markers));
            }
        }
        return digests;
    }

    private DigestVersion read(String key, StoredVersion v) {
        byte[] bytes = v.versionId() == null ? store.read(key) : store.readVersion(key, v.versionId()).orElse(null);
        if (bytes == null) {
            return new DigestVersion(v.versionId(), v.storedAt(), null, "its version could not be read");
        }
        SignedDigest signed;
        try {
            signed = SignedDigest.parse(bytes);
        } catch (MalformedDigestException e) {
            return new DigestVersion(v.versionId(), v.storedAt(), null, "not a valid digest: " + e.getMessage());
        }
        if (!signed.digest().key().equals(key)) {
            return new DigestVersion(v.versionId(), v.storedAt(), null, "it names itself " + signed.digest().key());
        }
        if (!signed.digest().app().equals(app)) {
            return new DigestVersion(v.versionId(), v.storedAt(), null, "it is a digest of app "
                    + signed.digest().app());
        }
        if (!verifier.signatureValid(signed)) {
            return new DigestVersion(v.versionId(), v.storedAt(), null, "its signature does not verify with the"
                    + " trusted key (signed by " + signed.signature().keyId() + ", or changed after signing)");
        }
        return new DigestVersion(v.versionId(), v.storedAt(), signed, null);
    }

    /** Of a replaced digest's valid versions, the one the next digest links to speaks for its interval. */
    private static void chooseLinkedVersions(List<FoundDigest> all) {
        Map<String, FoundDigest> byKey = new HashMap<>();
        all.forEach(d -> byKey.put(d.key, d));
        for (FoundDigest d : all) {
            if (!d.valid() || d.digest().previous() == null) {
                continue;
            }
            FoundDigest linked = byKey.get(d.digest().previous().key());
            if (linked != null && linked.versions.size() > 1) {
                for (DigestVersion v : linked.versions) {
                    if (v.valid() && v.signed().signature().sha256().equals(d.digest().previous().signatureSha256())) {
                        linked.chosen = v;
                    }
                }
            }
        }
    }

    /** The intervals of the range: the digests' own, gaps filled with their neighbours' length. */
    private List<Slot> grid(Instant from, Instant to, TreeMap<Instant, FoundDigest> digests) {
        Duration length = DEFAULT_LENGTH;
        Map.Entry<Instant, FoundDigest> first = digests.floorEntry(from);
        Instant cursor;
        if (first != null && first.getValue().valid() && first.getValue().digest().interval().end().isAfter(from)) {
            cursor = first.getKey();
            length = first.getValue().digest().interval().length();
        } else {
            FoundDigest next = digests.values().stream().filter(FoundDigest::valid).findFirst().orElse(null);
            if (next != null) {
                length = next.digest().interval().length();
            }
            cursor = Instant.ofEpochMilli(Math.floorDiv(from.toEpochMilli(), length.toMillis()) * length.toMillis());
        }
        List<Slot> grid = new ArrayList<>();
        while (cursor.isBefore(to)) {
            FoundDigest d = digests.get(cursor);
            Instant end;
            if (d != null && d.valid()) {
                length = d.digest().interval().length();
                end = d.digest().interval().end();
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
     * Why the digest of {@code grid[i]} does not continue the chain, if it does not. It may link over a gap it
     * records (each interval of the gap is reported itself); a link to an interval whose digest is missing or
     * invalid is no further finding: that interval is reported itself.
     */
    private Optional<String> chainProblem(List<Slot> grid, int i, List<String> notes) {
        SignedDigest here = grid.get(i).digest().signed();
        DigestLink link = here.digest().previous();
        Instant expectedStart = here.digest().gap().isEmpty() ? grid.get(i).start()
                : here.digest().gap().get(0).interval().start();
        int before = i - 1;
        while (before >= 0 && grid.get(before).start().compareTo(expectedStart) >= 0) {
            before--;
        }
        if (link == null) {
            for (int j = before; j >= 0; j--) {
                if (grid.get(j).digest() != null) {
                    return Optional.of("it starts a new chain although " + grid.get(j).digest().key
                            + " precedes it");
                }
            }
            return Optional.empty();
        }
        if (before >= 0) {
            Slot linked = grid.get(before);
            if (linked.digest() != null && linked.digest().valid()) {
                return DigestVerifier.linkProblem(linked.digest().signed(), here);
            }
            String expected = DigestLayout.key(app, linked.start());
            return link.key().equals(expected) ? Optional.empty()
                    : Optional.of("it links to " + link.key() + ", not to " + expected + " before it");
        }
        // The first interval of the range: follow the link one step back, outside the range.
        Instant previousStart = DigestLayout.parse(link.key()).start();
        TreeMap<Instant, FoundDigest> previous;
        try {
            previous = readDigests(List.of(LocalDate.ofInstant(previousStart, ZoneOffset.UTC)));
        } catch (ArchiveReadException e) {
            notes.add("the digest before the range, " + link.key() + ", could not be read: " + e.getMessage());
            return Optional.empty();
        }
        FoundDigest p = previous.get(previousStart);
        if (p == null || p.versions.isEmpty()) {
            notes.add("the digest before the range, " + link.key() + ", is not in the store (expired, or deleted):"
                    + " start --from earlier to check the chain before " + here.digest().key());
            return Optional.empty();
        }
        chooseLinkedVersions(List.of(p, grid.get(i).digest()));
        if (!p.valid()) {
            return Optional.of("it links to " + link.key() + " (before the range), which is invalid: " + p.invalid());
        }
        return DigestVerifier.linkProblem(p.signed(), here);
    }

    /** The start of the app's chain, when a digest of the range is its first one. */
    private static Instant genesis(List<Slot> grid) {
        for (Slot s : grid) {
            if (s.digest() != null && s.digest().valid()) {
                ArchiveDigest d = s.digest().digest();
                if (d.previous() != null) {
                    return null;
                }
                return d.gap().isEmpty() ? s.start() : d.gap().get(0).interval().start();
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

    /**
     * The version history of every key under the app's day prefixes of the grid, from its start to its end, for each
     * kind of key the digests cover (drained objects and run records).
     */
    private Map<String, List<StoredVersion>> listHistories(List<Slot> grid) {
        Instant start = grid.get(0).start();
        Instant end = grid.get(grid.size() - 1).end();
        Map<String, List<StoredVersion>> histories = new LinkedHashMap<>();
        List<List<LocalDate>> months = byMonth(ObjectKeyLayout.days(start, end.minusMillis(1)));
        for (DatedKeyFormat format : DigestLayout.COVERED) {
            String before = format.startAfter(app, end);
            for (int i = 0; i < months.size(); i++) {
                List<LocalDate> month = months.get(i);
                String firstDay = format.dayPrefix(app, month.get(0));
                String prefix = monthPrefix(firstDay);
                String after = i == 0 ? format.startAfter(app, start) : dayBefore(firstDay);
                // To the last day's end: a name no writer of ours can write (letters sort after the digits of a time)
                // counts.
                String until = format.dayPrefix(app, month.get(month.size() - 1)) + Character.MAX_VALUE;
                for (StoredVersion v : store.listVersions(prefix, after, until)) {
                    Instant t = timeOf(v.key());
                    if (t == null || v.key().compareTo(before) < 0) {
                        histories.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(v);
                    }
                }
            }
        }
        return histories;
    }

    /**
     * The days grouped by month: each group is listed with one request per 1,000 keys under its month's prefix, so a
     * quarter is a few listings rather than one per day (S3 pages 1,000 keys either way; an emulator that copies the
     * bucket for every listing is spared 90 of them).
     */
    private static List<List<LocalDate>> byMonth(List<LocalDate> days) {
        List<List<LocalDate>> months = new ArrayList<>();
        for (LocalDate day : days) {
            List<LocalDate> current = months.isEmpty() ? null : months.get(months.size() - 1);
            if (current == null || !YearMonth.from(current.get(0)).equals(YearMonth.from(day))) {
                current = new ArrayList<>();
                months.add(current);
            }
            current.add(day);
        }
        return months;
    }

    /** {@code .../<YYYY>/<MM>/} of a {@code .../<YYYY>/<MM>/<DD>/} prefix. */
    private static String monthPrefix(String dayPrefix) {
        return dayPrefix.substring(0, dayPrefix.length() - "DD/".length());
    }

    /** A start-after that sorts just before every key of {@code dayPrefix}'s day and after the days before it. */
    private static String dayBefore(String dayPrefix) {
        return dayPrefix.substring(0, dayPrefix.length() - 1);
    }

    /**
     * The keys of each slot: a key of the layout in the slot that holds its time, a name the receiver cannot have
     * written in the first slot of its day.
     */
    private Map<Slot, List<String>> assign(Iterable<String> listed, List<Slot> grid) {
        TreeMap<Instant, Slot> byStart = new TreeMap<>();
        grid.forEach(s -> byStart.put(s.start(), s));
        Map<Slot, List<String>> keys = new HashMap<>();
        for (String key : listed) {
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
            if (!LocalDate.ofInstant(s.end().minusMillis(1), ZoneOffset.UTC).isBefore(day)) {
                return s;
            }
        }
        return grid.get(grid.size() - 1);
    }

    /** The time of a key the digests cover for this app, or null for any other name. */
    private Instant timeOf(String key) {
        for (DatedKeyFormat format : DigestLayout.COVERED) {
            Instant t = format.timeOf(app, key);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    private static String versionKey(String key, String versionId) {
        return key + '\n' + versionId;
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
