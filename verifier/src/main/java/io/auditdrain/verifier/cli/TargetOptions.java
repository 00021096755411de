package io.auditdrain.verifier.cli;

import io.auditdrain.core.AppName;
import io.auditdrain.core.StoreLocation;
import io.auditdrain.verifier.ConfigurationException;
import picocli.CommandLine.Option;

/** Which app's drained objects, in which store. */
public final class TargetOptions {

    @Option(names = "--app", paramLabel = "APP",
            description = "The Heroku app whose drain writes the objects (logs/APP/...). Env: AUDITDRAIN_APP.")
    @FromEnvironment("AUDITDRAIN_APP")
    String app;

    @Option(names = "--store", paramLabel = "STORE",
            description = "Where the drain writes: s3://BUCKET or file:DIRECTORY. Env: AUDITDRAIN_STORE.")
    @FromEnvironment("AUDITDRAIN_STORE")
    String store;

    public boolean hasApp() {
        return app != null;
    }

    public boolean hasStore() {
        return store != null;
    }

    public String app() {
        if (app == null) {
            throw new ConfigurationException("--app is required (or set AUDITDRAIN_APP)");
        }
        if (!AppName.isValid(app)) {
            throw new ConfigurationException("--app must be a Heroku app name (lower-case letters, digits and"
                    + " dashes, 3 to 30 characters): " + app);
        }
        return app;
    }

    public StoreLocation store() {
        if (store == null) {
            throw new ConfigurationException("--store is required (or set AUDITDRAIN_STORE): s3://BUCKET or"
                    + " file:DIRECTORY");
        }
        try {
            return StoreLocation.parse(store);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }
}
