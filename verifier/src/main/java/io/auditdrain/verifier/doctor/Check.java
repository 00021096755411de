package io.auditdrain.verifier.doctor;

/** One of the runbooks' diagnostics. */
public interface Check {

    /** A stable kebab-case name, the key in JSON output. */
    String name();

    /** One line: what the check proves when it passes. */
    String description();

    CheckResult run(DoctorContext context) throws Exception;
}
