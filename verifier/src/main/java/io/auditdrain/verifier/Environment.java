package io.auditdrain.verifier;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The process environment the CLI reads, passed in rather than read from {@link System#getenv()} so that tests can
 * run commands with their own variables.
 */
public record Environment(Map<String, String> variables) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    public Environment {
        variables = Map.copyOf(variables);
    }

    public static Environment system() {
        return new Environment(System.getenv());
    }

    /** The value of {@code name}, empty when it is unset or blank. */
    public Optional<String> get(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    /** Whether {@code name} can be the name of an environment variable (so that options naming one are checked). */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
