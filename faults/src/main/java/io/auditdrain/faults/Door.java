package io.auditdrain.faults;

import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** One of the receiver's two ways in, started for the suite: the local server, or the Lambda behind its URL. */
interface Door extends AutoCloseable {

    /** How long a loaded credential is trusted in the suite: the least allowed, so SSM is read all along. */
    String CREDENTIALS_TTL_SECONDS = "1";

    /** "local" or "lambda": the first word of its scenarios' app names. */
    String name();

    /** What runs behind it, for the report. */
    String describe();

    /** Where drains POST: {@code http://127.0.0.1:<port>/logs}. */
    URI endpoint();

    /** Counters the door keeps itself, for the report (empty when it keeps none). */
    default Map<String, Long> counters() {
        return Map.of();
    }

    @Override
    void close();

    /**
     * The receiver's configuration in the suite, for either door: S3 and SSM through {@code aws}, and the suite's
     * apps listed as a deployment lists its own (Terraform's {@code apps}).
     */
    static Map<String, String> receiverEnvironment(URI aws, String bucket, String parameterPrefix,
                                                   Collection<String> apps) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AUDITDRAIN_STORE", "s3://" + bucket);
        env.put("AUDITDRAIN_CREDENTIALS", "ssm:" + parameterPrefix);
        env.put("AUDITDRAIN_CREDENTIALS_TTL_SECONDS", CREDENTIALS_TTL_SECONDS);
        env.put("AUDITDRAIN_APPS", String.join(",", apps));
        env.put("AWS_ENDPOINT_URL", aws.toString());
        return env;
    }
}
