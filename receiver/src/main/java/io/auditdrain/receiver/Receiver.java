package io.auditdrain.receiver;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.auditdrain.core.StoreLocation;
import io.auditdrain.receiver.auth.CredentialCache;
import io.auditdrain.receiver.auth.CredentialSource;
import io.auditdrain.receiver.auth.DrainAuthenticator;
import io.auditdrain.receiver.auth.LookupBudget;
import io.auditdrain.receiver.auth.PropertiesFileCredentialSource;
import io.auditdrain.receiver.auth.SsmCredentialSource;
import io.auditdrain.receiver.aws.AwsClients;
import io.auditdrain.receiver.aws.Priming;
import io.auditdrain.receiver.aws.PrimingResponses;
import io.auditdrain.receiver.config.CredentialsLocation;
import io.auditdrain.receiver.config.ReceiverConfig;
import io.auditdrain.receiver.ingest.BatchEncoder;
import io.auditdrain.receiver.ingest.DrainRequestHandler;
import io.auditdrain.receiver.ingest.EncodedBatch;
import io.auditdrain.receiver.ingest.Readiness;
import io.auditdrain.receiver.store.DirectoryObjectStore;
import io.auditdrain.receiver.store.ObjectStore;
import io.auditdrain.receiver.store.S3ObjectStore;
import io.auditdrain.receiver.telemetry.RequestLog;
import io.auditdrain.receiver.telemetry.RequestRecord;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The receiver assembled from its configuration: store, credential source and cache, request handler. Both adapters
 * (Lambda, local server) build exactly one, at start, and hand every request to {@link #handler()}.
 */
public final class Receiver implements AutoCloseable {

    private final DrainRequestHandler handler;
    private final CredentialCache credentials;
    private final ObjectStore store;
    private final CredentialSource source;
    private final AwsClients aws;
    private final int gzipLevel;
    private final List<AutoCloseable> resources;

    private Receiver(DrainRequestHandler handler, CredentialCache credentials, ObjectStore store,
                     CredentialSource source, AwsClients aws, int gzipLevel, List<AutoCloseable> resources) {
        this.handler = handler;
        this.credentials = credentials;
        this.store = store;
        this.source = source;
        this.aws = aws;
        this.gzipLevel = gzipLevel;
        this.resources = resources;
    }

    /** The receiver for this process's environment. */
    public static Receiver create(ReceiverConfig config, PrintStream logOut) {
        return create(config, System.getenv(), logOut);
    }

    /**
     * @param environment the process environment, which tells whether this runs in Lambda (and so which
     *                    credentials to use: see {@link AwsClients})
     */
    public static Receiver create(ReceiverConfig config, Map<String, String> environment, PrintStream logOut) {
        List<AutoCloseable> resources = new ArrayList<>();
        boolean needsAws = config.store() instanceof StoreLocation.S3Bucket
                || config.credentials() instanceof CredentialsLocation.Ssm;
        AwsClients aws = needsAws ? new AwsClients(config.region().orElseThrow(), config.endpoint(), environment) : null;
        if (aws != null) {
            resources.add(aws);
        }
        ObjectStore store;
        if (config.store() instanceof StoreLocation.S3Bucket s3) {
            var client = aws.s3();
            resources.add(client);
            store = new S3ObjectStore(client, s3.bucket());
        } else {
            store = new DirectoryObjectStore(((StoreLocation.Directory) config.store()).path());
        }
        CredentialSource source;
        if (config.credentials() instanceof CredentialsLocation.Ssm ssm) {
            var client = aws.ssm();
            resources.add(client);
            source = new SsmCredentialSource(client, ssm.prefix());
        } else {
            source = new PropertiesFileCredentialSource(((CredentialsLocation.PropertiesFile) config.credentials()).path());
        }
        CredentialCache cache = new CredentialCache(source, config.credentialsTtl(), config.credentialsGrace(),
                LookupBudget.standard(), config.knownApps());
        ThreadLocal<BatchEncoder> encoders = ThreadLocal.withInitial(() -> new BatchEncoder(config.gzipLevel()));
        RequestLog log = new RequestLog(logOut, config.metricsNamespace(), System::currentTimeMillis);
        Readiness readiness = new Readiness(store::probe, source::probe, System::nanoTime);
        DrainRequestHandler handler = new DrainRequestHandler(new DrainAuthenticator(cache), store, encoders::get, log,
                config.healthPath(), readiness);
        return new Receiver(handler, cache, store, source, aws, config.gzipLevel(), resources);
    }

    public DrainRequestHandler handler() {
        return handler;
    }

    public CredentialCache credentials() {
        return credentials;
    }

    /**
     * Runs the AWS calls of a request (a credential read, a PUT that is written, a PUT that finds its key taken) and a
     * request log line through their whole code paths without network, credentials or output, so that a SnapStart
     * snapshot holds them loaded and warm. Nothing is stored, read or logged. A no-op where AWS is not used.
     */
    public void prime() {
        new RequestLog(new PrintStream(OutputStream.nullOutputStream(), false, UTF_8), "Priming", () -> 0L)
                .write(new RequestRecord());
        if (aws == null) {
            return;
        }
        Priming priming = aws.priming();
        Deadline deadline = Deadline.after(Duration.ofSeconds(30));
        if (source instanceof SsmCredentialSource) {
            priming.answering(PrimingResponses.ssmGetParametersNotFound(), () -> source.load("priming", deadline));
        }
        if (store instanceof S3ObjectStore) {
            EncodedBatch batch;
            try (BatchEncoder encoder = new BatchEncoder(gzipLevel)) {
                String message = "<190>1 2026-01-01T00:00:00+00:00 host app web.1 - priming\n";
                byte[] body = (message.length() + " " + message).getBytes(UTF_8);
                batch = encoder.encode(body, new BatchEncoder.BatchContext("priming", null, null));
            }
            var object = batch.objects().get(0);
            priming.answering(PrimingResponses.s3PutObjectCreated(), () -> store.put(object, deadline));
            priming.answering(PrimingResponses.s3PreconditionFailed(object.key().toString()),
                    () -> store.put(object, deadline));
        }
    }

    @Override
    public void close() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // closing at shutdown: nothing left to do about it
            }
        }
    }
}
