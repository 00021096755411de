package io.auditdrain.verifier.schedule;

import io.auditdrain.core.AppName;
import io.auditdrain.core.StoreLocation;
import io.auditdrain.verifier.ConfigurationException;
import io.auditdrain.verifier.Durations;
import io.auditdrain.verifier.Environment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The scheduled run's configuration, read from the function's environment once and validated together: a bad value
 * fails the start with every problem listed. The database URL is not among it: it holds a password, so it lives in an
 * SSM SecureString ({@code databaseUrlParameter}) and is read at each run, never from the function's configuration.
 * Every other variable of the verifier (AUDITDRAIN_AUDIT_TABLES, AUDITDRAIN_ALLOWED_WRITERS, ...) reaches the commands
 * through {@code environment} as the CLI reads it.
 *
 * @param namespace CloudWatch namespace of the metrics
 */
public record ScheduleConfig(String app, String store, String databaseUrlParameter, String namespace,
                             Duration smokeTimeout, Environment environment) {

    public static final String APP = "AUDITDRAIN_APP";
    public static final String STORE = "AUDITDRAIN_STORE";
    public static final String DATABASE_URL_PARAMETER = "AUDITDRAIN_DATABASE_URL_PARAMETER";
    public static final String METRICS_NAMESPACE = "AUDITDRAIN_METRICS_NAMESPACE";
    public static final String SMOKE_TIMEOUT = "AUDITDRAIN_SMOKE_TIMEOUT";

    private static final Pattern PARAMETER = Pattern.compile("(/[A-Za-z0-9_.-]+)+");
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._/#:-]{1,255}");

    public static ScheduleConfig fromEnvironment(Environment env) {
        List<String> problems = new ArrayList<>();
        String app = env.get(APP).orElse(null);
        if (app == null || !AppName.isValid(app)) {
            problems.add(APP + " must be the Heroku app whose drain is verified (a Heroku app name), got "
                    + (app == null ? "nothing" : "'" + app + "'"));
        }
        String store = env.get(STORE).orElse(null);
        try {
            StoreLocation.parse(store == null ? "" : store);
        } catch (IllegalArgumentException e) {
            problems.add(STORE + ": " + e.getMessage());
        }
        String parameter = env.get(DATABASE_URL_PARAMETER).orElse(null);
        if (parameter == null || !PARAMETER.matcher(parameter).matches()) {
            problems.add(DATABASE_URL_PARAMETER + " must name the SSM SecureString that holds the restricted role's"
                    + " database URL (an absolute path such as /auditdrain/verifier/database-url)");
        }
        String namespace = env.get(METRICS_NAMESPACE).orElse("AuditDrain");
        if (!NAMESPACE.matcher(namespace).matches()) {
            problems.add(METRICS_NAMESPACE + " is not a CloudWatch namespace: " + namespace);
        }
        Duration smokeTimeout = Duration.ofSeconds(120);
        try {
            smokeTimeout = Durations.parse(env.get(SMOKE_TIMEOUT).orElse("120s"));
        } catch (RuntimeException e) {
            problems.add(SMOKE_TIMEOUT + ": " + e.getMessage());
        }
        // The URL comes from SSM only: one in the function's environment would show in its configuration.
        for (String forbidden : List.of("AUDITDRAIN_APP_DATABASE_URL", "DATABASE_URL", "AUDITDRAIN_SET_ROLE")) {
            if (env.get(forbidden).isPresent()) {
                problems.add(forbidden + " must not be set: the scheduled run reads the restricted role's own URL"
                        + " from " + DATABASE_URL_PARAMETER);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("invalid configuration of the scheduled verification: "
                    + String.join("; ", problems));
        }
        return new ScheduleConfig(app, store, parameter, namespace, smokeTimeout, env);
    }
}
