package io.auditdrain.receiver.auth;

import io.auditdrain.receiver.Deadline;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Credentials from a local properties file ({@code <app>=<secret>}, {@code <app>.previous=<secret>}), for the
 * embedded default that needs no AWS. Read on every cache refresh, so edits take effect within the TTL like SSM's.
 */
public final class PropertiesFileCredentialSource implements CredentialSource {

    private final Path file;

    public PropertiesFileCredentialSource(Path file) {
        this.file = file;
    }

    @Override
    public Optional<AppCredentials> load(String app, Deadline deadline) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new CredentialStoreException("cannot read credentials file " + file + ": " + e, e);
        }
        String current = properties.getProperty(app);
        if (current == null || current.isBlank()) {
            return Optional.empty();
        }
        List<String> secrets = new ArrayList<>(2);
        secrets.add(current);
        secrets.add(properties.getProperty(app + ".previous"));
        return Optional.of(AppCredentials.of(app, secrets));
    }
}
