package io.auditdrain.receiver.config;

import java.nio.file.Path;

/** Where per-app drain credentials are read from: {@code ssm:<path prefix>} or {@code file:<properties file>}. */
public sealed interface CredentialsLocation {

    /** SSM Parameter Store, SecureString parameters {@code <prefix>/<app>/secret} and {@code .../secret-previous}. */
    record Ssm(String prefix) implements CredentialsLocation {
        public Ssm {
            if (prefix == null || !prefix.matches("(/[A-Za-z0-9_.-]+)+")) {
                throw new IllegalArgumentException(
                        "ssm: needs a parameter path such as ssm:/auditdrain/apps, was: ssm:" + prefix);
            }
        }

        @Override
        public String toString() {
            return "ssm:" + prefix;
        }
    }

    /** A Java properties file: {@code <app>=<secret>} and optionally {@code <app>.previous=<secret>}. */
    record PropertiesFile(Path path) implements CredentialsLocation {
        @Override
        public String toString() {
            return "file:" + path;
        }
    }

    static CredentialsLocation parse(String value) {
        if (value.startsWith("ssm:")) {
            String prefix = value.substring("ssm:".length());
            return new Ssm(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        }
        if (value.startsWith("file:")) {
            String path = value.substring("file:".length());
            if (path.startsWith("//")) {
                path = path.substring(2);
            }
            if (path.isBlank()) {
                throw new IllegalArgumentException("file: needs a path, e.g. file:./credentials.properties");
            }
            return new PropertiesFile(Path.of(path));
        }
        throw new IllegalArgumentException("must be ssm:<parameter path> or file:<properties file>, was: " + value);
    }
}
