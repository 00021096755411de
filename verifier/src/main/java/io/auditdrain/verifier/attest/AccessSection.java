package io.auditdrain.verifier.attest;

import java.time.Instant;
import java.util.List;

/**
 * Who can change the archive, as the deployment documents it, and when the credentials that matter to deprovisioning
 * were last rotated.
 *
 * @param matrix    the deployment's access matrix, embedded as given, or null when none was given
 * @param rotations the parameters' version histories, or null when they were not asked for
 */
public record AccessSection(Matrix matrix, List<Rotation> rotations) {

    /**
     * An access matrix as a file gave it (docs/access-matrix.md, or JSON): its tables and its text, unchanged.
     *
     * @param source the file, as named on the command line
     * @param sha256 the file's SHA-256, so that the matrix embedded here can be compared with the one documented
     */
    public record Matrix(String source, String sha256, String format, List<Table> tables, List<String> notes) {
    }

    /** One table of the matrix. */
    public record Table(String caption, List<String> columns, List<List<String>> rows) {
    }

    /**
     * One SSM parameter's history: dates and versions, never a value.
     *
     * @param purpose     what the parameter is ({@code drain secret of acme-api-prod}, ...)
     * @param lastChanged when its newest version was written: its last rotation
     * @param versions    the versions written in the period, and the one in force at its start
     * @param problem     why the history could not be read (not found, access denied), or null
     */
    public record Rotation(String parameter, String purpose, Long version, Instant lastChanged,
                           List<ParameterVersion> versions, String problem) {
    }

    /** One version of a parameter: its number, when it was written, by whom (an IAM ARN), its labels. */
    public record ParameterVersion(long version, Instant modified, String modifiedBy, List<String> labels) {
    }
}
