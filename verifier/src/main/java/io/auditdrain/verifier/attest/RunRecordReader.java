package io.auditdrain.verifier.attest;

import io.auditdrain.core.InvalidObjectKeyException;
import io.auditdrain.core.ProofKey;
import io.auditdrain.core.ProofKeyLayout;
import io.auditdrain.digest.Sha256;
import io.auditdrain.verifier.proof.MalformedProofRecordException;
import io.auditdrain.verifier.proof.ProofRecord;
import io.auditdrain.verifier.proof.ProofRecordJson;
import io.auditdrain.verifier.store.ArchiveReader;
import io.auditdrain.verifier.store.ReadAhead;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Reads the period's run records and judges each against what the scheduled verification does: it creates a record
 * once, under a key named after the run, and never touches it again. So the version a run wrote is the first version
 * of its key; that is the one counted, whatever happened to the key later, and anything that happened later (a
 * delete marker, a second version) is a finding. A record that is not one, or that names another run than its key,
 * is a finding and is not counted.
 */
final class RunRecordReader {

    /** Records are small: the time is S3's per request, so many at once. */
    private static final ReadAhead READER = new ReadAhead(16, 128);

    /** What was read: the runs counted, the findings, and whether version histories were read. */
    record Result(List<RecordedRun> runs, List<RecordFinding> findings, boolean historiesRead, int keys) {
    }

    /** A version to read: the one the run wrote, and for a replaced record also the current one. */
    private record Read(ProofArchive.Listed listed, ProofKey key, byte[] original, byte[] current) {
    }

    private final ProofArchive archive;

    RunRecordReader(ArchiveReader store) {
        this.archive = new ProofArchive(store);
    }

    /**
     * @param listed told how many keys there are to read, once they are listed
     * @param progress told how many records are read, as they are
     */
    Result read(String app, Instant from, Instant to, IntConsumer listed, IntConsumer progress) throws Exception {
        List<ProofArchive.Listed> keys = archive.list(app, from, to);
        List<RecordedRun> runs = new ArrayList<>();
        List<RecordFinding> findings = new ArrayList<>();
        List<ProofArchive.Listed> toRead = new ArrayList<>();
        for (ProofArchive.Listed l : keys) {
            ProofKey key;
            try {
                key = ProofKeyLayout.parse(l.key());
            } catch (InvalidObjectKeyException e) {
                findings.add(new RecordFinding(RecordFinding.FOREIGN, Evidence.of(l.key()), "not a key the scheduled"
                        + " verification writes (" + ProofKeyLayout.ROOT + "<app>/<YYYY>/<MM>/<DD>/<epoch_ms>-<uuid>"
                        + ProofKeyLayout.SUFFIX + "): " + e.getMessage()));
                continue;
            }
            if (!key.app().equals(app) || key.time().isBefore(from) || !key.time().isBefore(to)) {
                continue;
            }
            if (l.original().isEmpty()) {
                findings.add(new RecordFinding(RecordFinding.DELETED, Evidence.of(l.key()), "deleted" + at(l.deletedAt())
                        + "; no version of the record is left in the bucket's version history, so its run cannot be"
                        + " counted"));
                continue;
            }
            toRead.add(l);
        }
        listed.accept(toRead.size());
        int[] done = {0};
        READER.<ProofArchive.Listed, Read>inOrder(toRead, l -> {
            ProofArchive.Version original = l.original().orElseThrow();
            byte[] bytes = archive.read(l.key(), original.versionId());
            byte[] current = l.versions().size() > 1 ? archive.read(l.key(), l.versions().get(0).versionId()) : null;
            return new Read(l, ProofKeyLayout.parse(l.key()), bytes, current);
        }, (l, read) -> {
            progress.accept(++done[0]);
            judge(app, read, runs, findings);
        });
        return new Result(runs, findings, archive.keepsVersions(), keys.size());
    }

    private static void judge(String app, Read read, List<RecordedRun> runs, List<RecordFinding> findings) {
        ProofArchive.Listed l = read.listed();
        ProofArchive.Version original = l.original().orElseThrow();
        Evidence evidence = new Evidence(l.key(), Sha256.hex(read.original()), original.versionId(), null, null);
        ProofRecord record;
        try {
            record = ProofRecordJson.parse(read.original());
        } catch (MalformedProofRecordException e) {
            findings.add(new RecordFinding(RecordFinding.UNREADABLE, evidence, "not a run record"
                    + (l.versions().size() > 1 ? " as first written" : "") + ": " + e.getMessage()));
            return;
        }
        ProofKey key = read.key();
        List<String> disagree = new ArrayList<>();
        if (!record.app().equals(app)) {
            disagree.add("app " + record.app());
        }
        if (!record.runId().equals(key.id())) {
            disagree.add("run " + record.runId());
        }
        if (!record.startedAt().equals(key.time())) {
            disagree.add("start " + record.startedAt());
        }
        if (!disagree.isEmpty()) {
            findings.add(new RecordFinding(RecordFinding.MISMATCHED, evidence, "it names " + String.join(", ", disagree)
                    + ", not the run its key names (" + key.app() + ", run " + key.id() + ", start " + key.time()
                    + "): not counted"));
            return;
        }
        runs.add(new RecordedRun(key.time(), evidence, original.lastModified(), record));
        String written = "the version " + versionName(original) + " the run wrote" + at(original.lastModified())
                + " (sha256 " + evidence.sha256() + ", " + record.result() + ") is intact in the version history and is"
                + " what this attestation counts";
        if (l.deleted()) {
            findings.add(new RecordFinding(RecordFinding.DELETED, evidence, "deleted" + at(l.deletedAt())
                    + " (a delete marker is current); " + written));
        } else if (l.versions().size() > 1) {
            ProofArchive.Version current = l.versions().get(0);
            Evidence now = new Evidence(l.key(), Sha256.hex(read.current()), current.versionId(), null, null);
            findings.add(new RecordFinding(RecordFinding.REPLACED, now, "replaced: version " + versionName(current)
                    + at(current.lastModified()) + " (sha256 " + now.sha256() + ") is current, " + (l.versions().size()
                    - 1) + " write" + (l.versions().size() > 2 ? "s" : "") + " after the run's own; " + written));
        }
    }

    private static String versionName(ProofArchive.Version v) {
        return v.versionId() == null ? "" : v.versionId();
    }

    private static String at(Instant t) {
        return t == null ? "" : " at " + t;
    }
}
