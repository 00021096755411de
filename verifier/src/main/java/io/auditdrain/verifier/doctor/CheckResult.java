package io.auditdrain.verifier.doctor;

/**
 * @param detail what was found
 * @param remedy the SQL or CLI that fixes a failure or warning; empty otherwise
 */
public record CheckResult(String name, Verdict verdict, String detail, String remedy) {

    public static CheckResult pass(String name, String detail) {
        return new CheckResult(name, Verdict.PASS, detail, "");
    }

    public static CheckResult warn(String name, String detail, String remedy) {
        return new CheckResult(name, Verdict.WARN, detail, remedy);
    }

    public static CheckResult fail(String name, String detail, String remedy) {
        return new CheckResult(name, Verdict.FAIL, detail, remedy);
    }

    public static CheckResult skip(String name, String detail) {
        return new CheckResult(name, Verdict.SKIP, detail, "");
    }
}
