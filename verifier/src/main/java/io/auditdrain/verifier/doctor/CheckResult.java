package io.auditdrain.verifier.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    /**
     * A failure naming the failures, then the warnings; or a warning naming the warnings; empty when there is
     * neither. The remedies are joined once each.
     */
    static Optional<CheckResult> of(String name, List<String> failures, List<String> warnings, List<String> remedies) {
        String remedy = String.join(" ", remedies.stream().distinct().toList());
        if (!failures.isEmpty()) {
            List<String> all = new ArrayList<>(failures);
            all.addAll(warnings);
            return Optional.of(fail(name, String.join("; ", all), remedy));
        }
        return warnings.isEmpty() ? Optional.empty() : Optional.of(warn(name, String.join("; ", warnings), remedy));
    }
}
