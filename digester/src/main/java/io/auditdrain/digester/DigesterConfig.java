package io.auditdrain.digester;

import io.auditdrain.core.AppName;
import io.auditdrain.core.EnvironmentSettings;
import io.auditdrain.core.StoreLocation;
import io.auditdrain.digest.DigestInterval;
import io.auditdrain.digest.SigningAlgorithm;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything the digester is told by its environment, read and validated once at start, every problem reported at
 * once. The names and defaults are the digester table of README.md (a test checks it).
 *
 * @param bucket            the log bucket (the digester reads {@code logs/} and writes {@code digests/})
 * @param keyId             the KMS key that signs: key ARN, key id or {@code alias/...}
 * @param interval          the length of a digest's interval
 * @param grace             how long after an interval's end it is closed (objects still arriving are included)
 * @param lateWindow        how far back each run looks for objects that arrived after their interval's digest
 * @param apps              apps that get digests even before their first object; every app under {@code logs/}
 *                          gets them anyway
 * @param maxIntervals      at most this many digests per app and run (a backlog is caught up over several runs)
 * @param metricsNamespace  the CloudWatch namespace of the run's metrics (TamperedDigests has an alarm)
 */
public record DigesterConfig(
        String bucket,
        String keyId,
        SigningAlgorithm algorithm,
        Duration interval,
        Duration grace,
        Duration lateWindow,
        Set<String> apps,
        int maxIntervals,
        String metricsNamespace,
        String region,
        Optional<URI> endpoint) {

    public static final String STORE = "AUDITDRAIN_STORE";
    public static final String KEY_ID = "AUDITDRAIN_DIGEST_KEY_ID";
    public static final String SIGNING_ALGORITHM = "AUDITDRAIN_DIGEST_SIGNING_ALGORITHM";
    public static final String INTERVAL_MINUTES = "AUDITDRAIN_DIGEST_INTERVAL_MINUTES";
    public static final String GRACE_MINUTES = "AUDITDRAIN_DIGEST_GRACE_MINUTES";
    public static final String LATE_WINDOW_HOURS = "AUDITDRAIN_DIGEST_LATE_WINDOW_HOURS";
    public static final String APPS = "AUDITDRAIN_DIGEST_APPS";
    public static final String MAX_INTERVALS = "AUDITDRAIN_DIGEST_MAX_INTERVALS";
    public static final String METRICS_NAMESPACE = "AUDITDRAIN_METRICS_NAMESPACE";
    public static final String AWS_REGION = "AWS_REGION";
    public static final String AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL";

    static final int DEFAULT_INTERVAL_MINUTES = 60;
    static final int DEFAULT_GRACE_MINUTES = 10;
    static final int DEFAULT_LATE_WINDOW_HOURS = 24;
    static final int DEFAULT_MAX_INTERVALS = 48;
    static final String DEFAULT_METRICS_NAMESPACE = "AuditDrain";

    /** Every variable the digester reads, with its default ("" when it has none), as README.md documents them. */
    static final Map<String, String> DOCUMENTED_DEFAULTS = documented();

    public DigesterConfig {
        apps = Collections.unmodifiableSet(new TreeSet<>(apps));
    }

    /** Reads and validates the configuration; throws {@link IllegalArgumentException} listing every problem. */
    public static DigesterConfig fromEnvironment(Map<String, String> env) {
        EnvironmentSettings settings = new EnvironmentSettings(env);
        String bucket = null;
        String store = settings.text(STORE);
        if (store == null) {
            settings.problem(STORE + " is required: s3://<bucket>");
        } else {
            try {
                if (StoreLocation.parse(store) instanceof StoreLocation.S3Bucket s3) {
                    bucket = s3.bucket();
                } else {
                    settings.problem(STORE + " must be s3://<bucket>: digests are signed with KMS and kept beside the"
                            + " objects, was: " + store);
                }
            } catch (IllegalArgumentException e) {
                settings.problem(STORE + ": " + e.getMessage());
            }
        }
        String keyId = settings.text(KEY_ID);
        if (keyId == null) {
            settings.problem(KEY_ID + " is required: the ARN or alias/... of the KMS signing key");
        } else if (!keyId.matches("[A-Za-z0-9:/_+=,.@-]{1,2048}")) {
            settings.problem(KEY_ID + " must be a KMS key ARN, key id or alias/..., was: " + keyId);
        }
        SigningAlgorithm algorithm = SigningAlgorithm.ECDSA_SHA_256;
        String algorithmValue = settings.text(SIGNING_ALGORITHM);
        if (algorithmValue != null) {
            try {
                algorithm = SigningAlgorithm.fromKmsName(algorithmValue.strip());
            } catch (IllegalArgumentException e) {
                settings.problem(SIGNING_ALGORITHM + ": " + e.getMessage());
            }
        }
        int intervalMinutes = settings.integer(INTERVAL_MINUTES, DEFAULT_INTERVAL_MINUTES, 5, 1440);
        Duration interval = Duration.ofMinutes(intervalMinutes);
        if (!DigestInterval.isValidLength(interval)) {
            settings.problem(INTERVAL_MINUTES + " must divide a day (5, 10, 15, 30, 60, 120, ... 1440), was: "
                    + intervalMinutes);
        }
        int graceMinutes = settings.integer(GRACE_MINUTES, DEFAULT_GRACE_MINUTES, 1, 1440);
        int lateHours = settings.integer(LATE_WINDOW_HOURS, DEFAULT_LATE_WINDOW_HOURS, 0, 24 * 30);
        int maxIntervals = settings.integer(MAX_INTERVALS, DEFAULT_MAX_INTERVALS, 1, 10_000);
        Set<String> apps = new TreeSet<>();
        String appList = settings.text(APPS);
        if (appList != null) {
            for (String app : appList.split("[,\\s]+")) {
                if (app.isEmpty()) {
                    continue;
                }
                if (AppName.isValid(app)) {
                    apps.add(app);
                } else {
                    settings.problem(APPS + " holds an invalid Heroku app name: " + app);
                }
            }
        }
        String namespace = settings.text(METRICS_NAMESPACE);
        if (namespace == null) {
            namespace = DEFAULT_METRICS_NAMESPACE;
        } else if (!namespace.matches("[A-Za-z0-9._/#:-]{1,255}") || namespace.startsWith("AWS/")) {
            settings.problem(METRICS_NAMESPACE + " must be a CloudWatch namespace (letters, digits and ._/#:-, not"
                    + " AWS/...), was: " + namespace);
        }
        String region = settings.text(AWS_REGION);
        if (region == null) {
            settings.problem(AWS_REGION + " is required (Lambda sets it)");
        }
        Optional<URI> endpoint = settings.httpUrl(AWS_ENDPOINT_URL);
        if (!settings.problems().isEmpty()) {
            throw new IllegalArgumentException("invalid digester configuration: "
                    + String.join("; ", settings.problems()));
        }
        return new DigesterConfig(bucket, keyId, algorithm, interval, Duration.ofMinutes(graceMinutes),
                Duration.ofHours(lateHours), apps, maxIntervals, namespace, region, endpoint);
    }

    private static Map<String, String> documented() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(STORE, "");
        map.put(KEY_ID, "");
        map.put(SIGNING_ALGORITHM, SigningAlgorithm.ECDSA_SHA_256.name());
        map.put(INTERVAL_MINUTES, Integer.toString(DEFAULT_INTERVAL_MINUTES));
        map.put(GRACE_MINUTES, Integer.toString(DEFAULT_GRACE_MINUTES));
        map.put(LATE_WINDOW_HOURS, Integer.toString(DEFAULT_LATE_WINDOW_HOURS));
        map.put(APPS, "");
        map.put(MAX_INTERVALS, Integer.toString(DEFAULT_MAX_INTERVALS));
        map.put(METRICS_NAMESPACE, DEFAULT_METRICS_NAMESPACE);
        map.put(AWS_REGION, "");
        map.put(AWS_ENDPOINT_URL, "");
        return Collections.unmodifiableMap(map);
    }
}
