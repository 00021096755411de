package io.auditdrain.verifier.cli;

import io.auditdrain.verifier.Environment;
import java.lang.reflect.Field;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;

/** Supplies the default of every {@link FromEnvironment} option from the CLI's {@link Environment}. */
final class EnvironmentDefaults implements IDefaultValueProvider {

    private final Environment environment;

    EnvironmentDefaults(Environment environment) {
        this.environment = environment;
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (argSpec.userObject() instanceof Field field) {
            FromEnvironment from = field.getAnnotation(FromEnvironment.class);
            if (from != null) {
                return environment.get(from.value()).orElse(null);
            }
        }
        return null;
    }
}
