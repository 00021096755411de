package io.auditdrain.verifier.cli;

import io.auditdrain.verifier.ConfigurationException;
import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.db.DatabaseUrl;
import io.auditdrain.verifier.db.SqlIdentifier;
import picocli.CommandLine.Option;

/**
 * How to reach the database as the restricted role. URLs come only from environment variables: a password is never
 * an argument (it would land in shell history and process listings).
 */
public final class ConnectionOptions {

    /** The restricted role's own URL (on Heroku: heroku pg:credentials:url DATABASE --name raptor_app). */
    public static final String APP_URL_VARIABLE = "AUDITDRAIN_APP_DATABASE_URL";
    /** The owner's URL (Heroku's default credential), used with --set-role. */
    public static final String OWNER_URL_VARIABLE = "DATABASE_URL";

    @Option(names = "--database-url-env", paramLabel = "NAME",
            description = "Environment variable that holds the database URL (postgres://user:pass@host:port/db,"
                    + " postgresql://... or jdbc:postgresql://...). Default: " + APP_URL_VARIABLE
                    + ", or " + OWNER_URL_VARIABLE + " with --set-role.")
    String urlVariable;

    @Option(names = "--set-role", paramLabel = "ROLE",
            description = "The restricted role, reached through an owner's URL: smoke runs SET ROLE ROLE (as the"
                    + " runbook's smoke test does), doctor examines ROLE from the owner's session."
                    + " Env: AUDITDRAIN_SET_ROLE.")
    @FromEnvironment("AUDITDRAIN_SET_ROLE")
    String setRole;

    @Option(names = "--ssl-mode", paramLabel = "MODE",
            description = "TLS mode for non-loopback hosts: require (default), verify-ca or verify-full;"
                    + " replaces the URL's sslmode. Weaker modes are refused.")
    String sslMode;

    /** The environment variable to read. */
    public String variable() {
        if (urlVariable != null) {
            if (!Environment.isValidName(urlVariable)) {
                throw new ConfigurationException("--database-url-env must name an environment variable: "
                        + urlVariable);
            }
            return urlVariable;
        }
        return setRole == null ? APP_URL_VARIABLE : OWNER_URL_VARIABLE;
    }

    /** The role to SET, or null to act as the URL's own role. */
    public SqlIdentifier roleToSet() {
        return setRole == null ? null : SqlIdentifier.role(setRole);
    }

    public DatabaseUrl url(Environment env) {
        if (sslMode != null && !DatabaseUrl.TLS_MODES.contains(sslMode)) {
            throw new ConfigurationException("--ssl-mode must be require, verify-ca or verify-full: " + sslMode);
        }
        String name = variable();
        String value = env.get(name).orElseThrow(() -> new ConfigurationException("environment variable " + name
                + " is not set: " + (name.equals(APP_URL_VARIABLE)
                ? "put the restricted role's URL there (heroku pg:credentials:url DATABASE --name raptor_app),"
                + " or use an owner URL with --set-role"
                : "put the database URL there, or name another variable with --database-url-env")));
        return DatabaseUrl.parse(value, name, sslMode);
    }
}
