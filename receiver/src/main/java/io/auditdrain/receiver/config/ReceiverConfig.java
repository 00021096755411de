package io.auditdrain.receiver.config;

import io.auditdrain.core.AppName;
import io.auditdrain.core.EnvironmentSettings;
import io.auditdrain.core.StoreLocation;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything the receiver is told by its environment, read and validated once at start. Every problem is reported
 * at once, so that a misconfigured deployment fails its first start with the whole list rather than one at a time.
 * The names and defaults are the configuration table of README.md.
 */
public record ReceiverConfig(
        StoreLocation store,
        CredentialsLocation credentials,
        Duration credentialsTtl,
        Duration credentialsGrace,
        Set<String> knownApps,
        int gzipLevel,
        String healthPath,
        String metricsNamespace,
        int port,
        String bindAddress,
        int workers,
        Optional<String> region,
        Optional<URI> endpoint) {

    public static final String STORE = "AUDITDRAIN_STORE";
    public static final String CREDENTIALS = "AUDITDRAIN_CREDENTIALS";
    public static final String CREDENTIALS_TTL_SECONDS = "AUDITDRAIN_CREDENTIALS_TTL_SECONDS";
    public static final String CREDENTIALS_GRACE_SECONDS = "AUDITDRAIN_CREDENTIALS_GRACE_SECONDS";
    public static final String APPS = "AUDITDRAIN_APPS";
    public static final String GZIP_LEVEL = "AUDITDRAIN_GZIP_LEVEL";
    public static final String HEALTH_PATH = "AUDITDRAIN_HEALTH_PATH";
    public static final String METRICS_NAMESPACE = "AUDITDRAIN_METRICS_NAMESPACE";
    public static final String PORT = "AUDITDRAIN_PORT";
    public static final String BIND_ADDRESS = "AUDITDRAIN_BIND_ADDRESS";
    public static final String WORKERS = "AUDITDRAIN_WORKERS";
    public static final String AWS_REGION = "AWS_REGION";
    public static final String AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL";

    public static final int DEFAULT_GZIP_LEVEL = 6;
    public static final Duration DEFAULT_CREDENTIALS_TTL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_CREDENTIALS_GRACE = Duration.ofSeconds(900);
    static final int DEFAULT_PORT = 8080;
    static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    /**
     * A worker runs one request with a complete body and waits for S3 up to the request's deadline: this many
     * requests are served at once however slow S3 is (bodies still arriving hold no worker).
     */
    public static final int DEFAULT_WORKERS = 32;
    static final String DEFAULT_HEALTH_PATH = "/health";
    static final String DEFAULT_METRICS_NAMESPACE = "AuditDrain";

    /** Every variable the receiver reads, with its default ("" when it has none), as README.md documents them. */
    static final Map<String, String> DOCUMENTED_DEFAULTS = orderedMap(
            STORE, "",
            CREDENTIALS, "",
            CREDENTIALS_TTL_SECONDS, Long.toString(DEFAULT_CREDENTIALS_TTL.toSeconds()),
            CREDENTIALS_GRACE_SECONDS, Long.toString(DEFAULT_CREDENTIALS_GRACE.toSeconds()),
            APPS, "",
            GZIP_LEVEL, Integer.toString(DEFAULT_GZIP_LEVEL),
            HEALTH_PATH, DEFAULT_HEALTH_PATH,
            METRICS_NAMESPACE, DEFAULT_METRICS_NAMESPACE,
            PORT, Integer.toString(DEFAULT_PORT),
            BIND_ADDRESS, DEFAULT_BIND_ADDRESS,
            WORKERS, Integer.toString(DEFAULT_WORKERS),
            AWS_REGION, "",
            AWS_ENDPOINT_URL, "");

    /** Reads and validates the configuration; throws {@link ConfigurationException} listing every problem. */
    public static ReceiverConfig fromEnvironment(Map<String, String> env) {
        EnvironmentSettings settings = new EnvironmentSettings(env);
        StoreLocation store = parse(settings, STORE, () -> StoreLocation.parse(required(settings, STORE)));
        CredentialsLocation credentials = parse(settings, CREDENTIALS,
                () -> CredentialsLocation.parse(required(settings, CREDENTIALS)));
        int ttl = settings.integer(CREDENTIALS_TTL_SECONDS, (int) DEFAULT_CREDENTIALS_TTL.toSeconds(), 1, 3600);
        int grace = settings.integer(CREDENTIALS_GRACE_SECONDS, (int) DEFAULT_CREDENTIALS_GRACE.toSeconds(), 0,
                86_400);
        Set<String> knownApps = new TreeSet<>();
        String apps = settings.text(APPS);
        if (apps != null) {
            for (String app : apps.split(",", -1)) {
                if (AppName.isValid(app.strip())) {
                    knownApps.add(app.strip());
                } else {
                    settings.problem(APPS + " must be Heroku app names separated by commas, has: " + app.strip());
                }
            }
        }
        int level = settings.integer(GZIP_LEVEL, DEFAULT_GZIP_LEVEL, 1, 9);
        int port = settings.integer(PORT, DEFAULT_PORT, 0, 65535);
        String bind = env.getOrDefault(BIND_ADDRESS, DEFAULT_BIND_ADDRESS);
        if (!bind.matches("[0-9A-Za-z.:-]{1,253}")) {
            settings.problem(BIND_ADDRESS + " must be an IP address or host name, was: " + bind);
        }
        int workers = settings.integer(WORKERS, DEFAULT_WORKERS, 1, 512);
        String health = env.getOrDefault(HEALTH_PATH, DEFAULT_HEALTH_PATH);
        if (!health.matches("/[A-Za-z0-9._~/-]*")) {
            settings.problem(HEALTH_PATH + " must be a path starting with '/', was: " + health);
        }
        String namespace = env.getOrDefault(METRICS_NAMESPACE, DEFAULT_METRICS_NAMESPACE);
        if (!namespace.matches("[A-Za-z0-9._/#:-]{1,255}")) {
            settings.problem(METRICS_NAMESPACE + " must be 1-255 of A-Z a-z 0-9 . _ / # : -, was: " + namespace);
        }
        Optional<String> region = Optional.ofNullable(settings.text(AWS_REGION));
        Optional<URI> endpoint = settings.httpUrl(AWS_ENDPOINT_URL);
        boolean needsAws = store instanceof StoreLocation.S3Bucket || credentials instanceof CredentialsLocation.Ssm;
        if (needsAws && region.isEmpty()) {
            settings.problem(AWS_REGION + " is required for s3:// stores and ssm: credentials");
        }
        if (!settings.problems().isEmpty()) {
            throw new ConfigurationException(settings.problems());
        }
        return new ReceiverConfig(store, credentials, Duration.ofSeconds(ttl), Duration.ofSeconds(grace),
                Set.copyOf(knownApps), level, health,
                namespace, port, bind, workers, region, endpoint);
    }

    private interface Parser<T> {
        T parse();
    }

    private static <T> T parse(EnvironmentSettings settings, String name, Parser<T> parser) {
        try {
            return parser.parse();
        } catch (IllegalArgumentException e) {
            settings.problem(name + ": " + e.getMessage());
            return null;
        }
    }

    private static String required(EnvironmentSettings settings, String name) {
        String value = settings.text(name);
        if (value == null) {
            throw new IllegalArgumentException("is required");
        }
        return value;
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
