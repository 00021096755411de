package io.auditdrain.verifier.cli;

import io.auditdrain.verifier.Environment;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an option whose default comes from an environment variable of the {@link Environment} the CLI runs with
 * (picocli's own {@code ${env:...}} would read the real process environment, which tests cannot set).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface FromEnvironment {
    /** The variable's name. */
    String value();
}
