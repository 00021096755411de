package io.auditdrain.receiver.config;

import java.util.List;

/** The environment does not describe a working receiver; {@link #problems()} says everything that is wrong. */
public final class ConfigurationException extends RuntimeException {

    private final List<String> problems;

    public ConfigurationException(List<String> problems) {
        super("invalid receiver configuration: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
