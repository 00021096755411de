package io.auditdrain.digester.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.auditdrain.digester.ArchiveDigester;
import io.auditdrain.digester.DigestRunLog;
import io.auditdrain.digester.DigesterConfig;
import io.auditdrain.digester.aws.AwsClients;
import io.auditdrain.digester.aws.KmsDigestSigner;
import io.auditdrain.digester.aws.S3ArchiveBucket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * The digester's Lambda entry point, run by an EventBridge schedule. Configuration and clients are built once per
 * execution environment (a bad configuration fails init with every problem listed). Each invocation closes what is
 * due, logs one JSON line (with its metrics: TamperedDigests has an alarm of its own), returns the same line, and
 * fails (so that Lambda counts an error and the alarm fires) when any app's run failed.
 */
public final class ScheduledDigestHandler implements RequestStreamHandler {

    /** No new interval is started with less than this left before the function's timeout. */
    static final Duration TIME_MARGIN = Duration.ofSeconds(60);

    private final ArchiveDigester digester;
    private final PrintStream log;
    private final String namespace;

    public ScheduledDigestHandler() {
        this(DigesterConfig.fromEnvironment(System.getenv()), System.out, Clock.systemUTC());
    }

    /** For in-process runs: the given configuration, log stream and clock. */
    public ScheduledDigestHandler(DigesterConfig config, PrintStream log, Clock clock) {
        AwsClients aws = new AwsClients(config);
        this.digester = new ArchiveDigester(new S3ArchiveBucket(aws.s3(), config.bucket()),
                new KmsDigestSigner(aws.kms(), config.keyId(), config.algorithm()), ArchiveDigester.Policy.of(config),
                clock);
        this.log = log;
        this.namespace = config.metricsNamespace();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes(); // the scheduled event carries nothing the run needs
        long started = System.nanoTime();
        ArchiveDigester.Run run = digester.run(() -> context.getRemainingTimeInMillis() > TIME_MARGIN.toMillis());
        String line = DigestRunLog.line(run, Duration.ofNanos(System.nanoTime() - started), namespace);
        log.println(line);
        output.write(line.getBytes(StandardCharsets.UTF_8));
        if (run.failed()) {
            throw new DigestRunFailedException(line);
        }
    }

    /** Some app's digests could not be written this run; the run's log line says which and why. */
    public static final class DigestRunFailedException extends RuntimeException {
        DigestRunFailedException(String runLine) {
            super("digest run failed: " + runLine);
        }
    }
}
