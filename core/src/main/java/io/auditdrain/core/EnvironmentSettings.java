package io.auditdrain.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads settings from environment variables and collects every problem instead of stopping at the first, so that a
 * function's configuration is validated once at start and its error names all that is wrong.
 */
public final class EnvironmentSettings {

    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    public EnvironmentSettings(Map<String, String> env) {
        this.env = env;
    }

    /** The variable's value, or null when it is unset or blank. */
    public String text(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    /** A whole number within {@code min..max}, or {@code fallback} when unset; a problem when it is anything else. */
    public int integer(String name, int fallback, int min, int max) {
        String value = text(name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed < min || parsed > max) {
                problem(name + " must be between " + min + " and " + max + ", was: " + parsed);
                return fallback;
            }
            return parsed;
        } catch (NumberFormatException e) {
            problem(name + " must be a whole number, was: " + value);
            return fallback;
        }
    }

    /** An http(s) URL with a host, or empty when unset; a problem when it is anything else. */
    public Optional<URI> httpUrl(String name) {
        String value = text(name);
        if (value == null) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problem(name + " must be an http(s) URL, was: " + value);
        return Optional.empty();
    }

    public void problem(String description) {
        problems.add(description);
    }

    /** Every problem found so far, in the order found. */
    public List<String> problems() {
        return List.copyOf(problems);
    }
}
