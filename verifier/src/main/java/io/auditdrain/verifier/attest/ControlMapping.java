package io.auditdrain.verifier.attest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps the attestation's findings to the SOC 2 criteria they bear on (CC6.1, CC6.3, CC7.2, CC7.3): this project's
 * claim about its own evidence, stated as such, never legal or audit advice.
 */
final class ControlMapping {

    /** doctor checks about the role's reach: what CC6.1 and CC6.3 rest on besides the writers and the matrix. */
    private static final List<String> ACCESS_CHECK_PREFIXES = List.of("role-", "audit-table-grants",
            "source-table-grants", "migration-table-grants", "parameter-privileges", "security-definer-functions",
            "grant-drift", "capture-functions-search-path");

    private ControlMapping() {
    }

    static List<ControlClaim> claims(ContinuousProofSection proof, IntegritySection integrity,
                                     WritersSection writers, AccessSection access) {
        Map<String, Integer> accessChecksFailed = new LinkedHashMap<>();
        Map<String, Integer> otherChecksFailed = new LinkedHashMap<>();
        for (ContinuousProofSection.Failure f : proof.failures()) {
            f.checks().forEach((check, runs) -> (isAccessCheck(check) ? accessChecksFailed : otherChecksFailed)
                    .merge(check, runs, Integer::sum));
        }
        List<ControlClaim> claims = new ArrayList<>();

        List<String> cc61 = new ArrayList<>();
        boolean cc61Exceptions = false;
        if (writers.passed()) {
            cc61.add("Who wrote: only " + String.join(", ", writers.allowedRoles()) + " wrote the audit tables ("
                    + writers.objectsRead() + " drained objects read)");
        } else {
            cc61Exceptions = true;
            cc61.add("Who wrote: " + (writers.intruders().isEmpty() ? "" : "written by roles not allowed: "
                    + String.join("; ", writers.intruders()) + ". ") + (writers.writesWithoutUser() > 0
                    ? writers.writesWithoutUser() + " writes name no role. " : "") + (writers.objectsUnreadable() > 0
                    ? writers.objectsUnreadable() + " objects could not be read." : ""));
        }
        cc61.add(accessChecksFailed.isEmpty()
                ? "Continuous proof: no run found a role or grant check failing (" + proof.recorded() + " runs)"
                : "Continuous proof: role and grant checks failed in some runs: " + counts(accessChecksFailed));
        cc61Exceptions |= !accessChecksFailed.isEmpty();
        cc61.add(access.matrix() == null ? "Access: no access matrix was given (--access-matrix)"
                : "Access: the deployment's access matrix, " + access.matrix().source() + " (sha256 "
                        + access.matrix().sha256() + ")");
        claims.add(new ControlClaim("CC6.1", "logical access to protected information",
                "Only the application's restricted role and the named roles wrote the audit tables, and the"
                        + " application holds no credential for the archive, which keeps what it receives unchanged.",
                cc61Exceptions ? ControlClaim.EXCEPTIONS : ControlClaim.SUPPORTED, cc61));

        List<String> cc63 = new ArrayList<>();
        boolean cc63Evidenced = access.rotations() != null || access.matrix() != null;
        if (access.rotations() == null) {
            cc63.add("Access: credential rotations were not read (--rotations)");
        } else {
            for (AccessSection.Rotation r : access.rotations()) {
                cc63.add("Access: " + r.purpose() + " (" + r.parameter() + "): " + (r.problem() != null ? r.problem()
                        : "version " + r.version() + ", last changed " + r.lastChanged()));
            }
        }
        cc63.add(access.matrix() == null ? "Access: no access matrix was given (--access-matrix)"
                : "Access: who can change the archive, per the access matrix " + access.matrix().source());
        cc63.add(accessChecksFailed.isEmpty() ? "Continuous proof: the role's privileges held in every run"
                : "Continuous proof: the role's privileges did not hold in some runs: " + counts(accessChecksFailed));
        claims.add(new ControlClaim("CC6.3", "granting, changing and removing access (least privilege,"
                + " deprovisioning)", "The drain's credentials are rotated on record, the restricted role's privileges"
                + " were checked every run, and the archive's writers are fenced per prefix.",
                !cc63Evidenced ? ControlClaim.NOT_EVIDENCED : accessChecksFailed.isEmpty() ? ControlClaim.SUPPORTED
                        : ControlClaim.EXCEPTIONS, cc63));

        List<String> cc72 = new ArrayList<>();
        cc72.add("Continuous proof: " + proof.recorded() + " of " + proof.expected() + " expected runs recorded, "
                + proof.passed() + " passed, " + proof.failed() + " failed, every " + proof.intervalSeconds() / 60
                + " minutes");
        cc72.add("Continuous proof: " + proof.gaps().size() + " gap" + plural(proof.gaps().size()) + " longer than "
                + proof.allowedSeconds() / 60 + " minutes");
        if (proof.latency().samples() > 0) {
            cc72.add("Continuous proof: a write reached the archive in " + proof.latency().medianMs() + " ms (median),"
                    + " " + proof.latency().p99Ms() + " ms (p99), " + proof.latency().worstMs() + " ms at worst");
        }
        boolean cc72Ok = proof.gaps().isEmpty() && proof.failed() == 0 && proof.recorded() > 0;
        claims.add(new ControlClaim("CC7.2", "monitoring for anomalies",
                "Capture was proven end to end on a schedule throughout the period, by a write as the restricted role"
                        + " found in the archive, with every doctor check, each run kept as a record in the archive.",
                proof.recorded() == 0 ? ControlClaim.NOT_EVIDENCED : cc72Ok ? ControlClaim.SUPPORTED
                        : ControlClaim.EXCEPTIONS, cc72));

        List<String> cc73 = new ArrayList<>();
        for (ContinuousProofSection.Failure f : proof.failures()) {
            cc73.add("Continuous proof: failure from " + f.start() + " to " + f.end() + (f.ongoing() ? " (ongoing)"
                    : "") + ", " + f.runs() + " run" + plural(f.runs()) + ": " + String.join(", ", f.checks().keySet()));
        }
        for (ContinuousProofSection.Gap g : proof.gaps()) {
            cc73.add("Continuous proof: no run recorded from " + g.start() + " to " + g.end());
        }
        proof.recordFindings().forEach(f -> cc73.add("Continuous proof: record " + f.kind() + ": "
                + f.evidence().key()));
        cc73.add("Integrity: " + integrity.intervals() + " intervals checked against signed digests, "
                + integrity.statusCounts().getOrDefault("valid", 0) + " valid, " + integrity.findings().size()
                + " finding" + plural(integrity.findings().size()));
        boolean cc73Ok = proof.failures().isEmpty() && proof.gaps().isEmpty() && proof.recordFindings().isEmpty()
                && integrity.passed();
        claims.add(new ControlClaim("CC7.3", "evaluating security events",
                "Every failure and gap of the period is listed with its start, its end and what failed, and the"
                        + " archive was checked against its signed, chained digests, so that a change to it is a"
                        + " named finding.", cc73Ok ? ControlClaim.SUPPORTED : ControlClaim.EXCEPTIONS, cc73));
        return claims;
    }

    private static boolean isAccessCheck(String check) {
        return ACCESS_CHECK_PREFIXES.stream().anyMatch(check::startsWith);
    }

    private static String counts(Map<String, Integer> checks) {
        List<String> parts = new ArrayList<>();
        checks.forEach((c, n) -> parts.add(c + " (" + n + " run" + plural(n) + ")"));
        return String.join(", ", parts);
    }

    private static String plural(long n) {
        return n == 1 ? "" : "s";
    }
}
