package io.auditdrain.verifier.cli;

import io.auditdrain.verifier.ConfigurationException;
import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.evidence.DigestKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How digests are checked: their public key (an exported file, or the KMS key read once), how long a digest may be
 * pending, and how late an object may be recorded before that is a finding. Shared by verify-archive and attest.
 */
public final class DigestCheckOptions {

    @Option(names = "--key-id", paramLabel = "KEY",
            description = "The digests' KMS key (ARN or alias/...): its public key is read once with"
                    + " kms:GetPublicKey. Env: AUDITDRAIN_DIGEST_KEY_ID.")
    @FromEnvironment("AUDITDRAIN_DIGEST_KEY_ID")
    String keyId;

    @Option(names = "--public-key", paramLabel = "FILE",
            description = "An exported public key (PEM, or DER as aws kms get-public-key returns it base64-decoded)"
                    + " to verify with instead of asking KMS; repeat for a rotated key.")
    List<Path> publicKeys = new ArrayList<>();

    @Option(names = "--pending", paramLabel = "DURATION", defaultValue = "30m", converter = DurationConverter.class,
            description = "An interval that ended less than this long ago may not have its digest yet (default:"
                    + " ${DEFAULT-VALUE}; the digester closes an interval after its grace period, 10m by default).")
    Duration pending;

    @Option(names = "--late-threshold", paramLabel = "DURATION", defaultValue = "10m",
            converter = DurationConverter.class,
            description = "An object a digest recorded late is a finding when it was stored more than this long after"
                    + " its newest line (default: ${DEFAULT-VALUE}; Logplex delivers or drops a batch within seconds,"
                    + " see docs/digest-format.md).")
    Duration lateThreshold;

    /**
     * The trusted key: the files given, else the KMS key's public half, read once. Refuses when neither is given,
     * before anything is read.
     */
    public DigestKeys keys(Environment env) {
        if (!publicKeys.isEmpty()) {
            return DigestKeys.fromFiles(List.copyOf(publicKeys));
        }
        if (keyId == null) {
            throw new ConfigurationException("give the digests' key: --public-key FILE (an exported key, no KMS"
                    + " rights needed), or --key-id (or AUDITDRAIN_DIGEST_KEY_ID) to read it from KMS");
        }
        return DigestKeys.fromKms(keyId, env);
    }

    public Duration pending() {
        return pending;
    }

    public Duration lateThreshold() {
        return lateThreshold;
    }
}
