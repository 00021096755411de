package io.auditdrain.receiver.ingest;

import io.auditdrain.receiver.Deadline;
import io.auditdrain.receiver.auth.CredentialStoreException;
import io.auditdrain.receiver.auth.DrainAuthenticator;
import io.auditdrain.receiver.store.DrainObject;
import io.auditdrain.receiver.store.ObjectStore;
import io.auditdrain.receiver.store.StoreException;
import io.auditdrain.receiver.telemetry.RequestLog;
import io.auditdrain.receiver.telemetry.RequestRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The receiver's request handling, shared by the Lambda handler and the local server.
 *
 * <p>Logplex's rules decide every status: any 2xx means delivered, any 4xx other than 429 means the batch is dropped
 * for good, 429, 5xx and timeouts mean it is retried. So: 200 only once every object is stored; 401 only when the
 * credential is wrong (nothing may be stored); 429 when the credential could not be checked yet (the lookup budget is
 * spent); 413 only above what Lambda accepts; 5xx whenever storing or checking the credential failed or the request's
 * deadline passed; never a 4xx for content, however malformed.
 */
public final class DrainRequestHandler {

    /**
     * Lambda refuses an invocation whose event is larger than 6,291,456 bytes, and a Function URL event carries a
     * binary body base64-encoded (4 bytes for every 3) beside its headers and request context. So the largest body
     * Lambda can deliver is about 4.7 MB: this limit leaves 16 KiB of event for everything but the body
     * (FunctionUrlEventSizeTest measures a real Logplex request's at about 1.3 KB). The local server refuses the same,
     * so both doors accept the same requests.
     */
    public static final int LAMBDA_EVENT_LIMIT = 6_291_456;
    public static final int EVENT_ENVELOPE_ALLOWANCE = 16 * 1024;
    public static final int MAX_BODY_BYTES = (LAMBDA_EVENT_LIMIT - EVENT_ENVELOPE_ALLOWANCE) / 4 * 3;

    private final DrainAuthenticator authenticator;
    private final ObjectStore store;
    private final Supplier<BatchEncoder> encoders;
    private final RequestLog log;
    private final String healthPath;
    private final Readiness readiness;

    /**
     * @param encoders gives the calling thread's encoder (its buffers are reused across that thread's requests)
     */
    public DrainRequestHandler(DrainAuthenticator authenticator, ObjectStore store, Supplier<BatchEncoder> encoders,
                               RequestLog log, String healthPath, Readiness readiness) {
        this.authenticator = authenticator;
        this.store = store;
        this.encoders = encoders;
        this.log = log;
        this.healthPath = healthPath;
        this.readiness = readiness;
    }

    /** Handles a request that arrived just now, with the whole {@link Deadline#REQUEST_BUDGET}. */
    public DrainResponse handle(DrainRequest request) {
        return handle(request, Deadline.after(Deadline.REQUEST_BUDGET));
    }

    /** @param deadline by when the answer must be given; every call to AWS gets only what is left of it */
    public DrainResponse handle(DrainRequest request, Deadline deadline) {
        long started = System.nanoTime();
        String method = request.method() == null ? "" : request.method();
        if ((method.equals("GET") || method.equals("HEAD")) && healthPath.equals(request.path())) {
            return health(method, started);
        }
        RequestRecord record = record(method, request.headers(), request.body() == null ? 0 : request.body().length);
        DrainResponse response;
        try {
            response = handleDrain(request, record, deadline);
        } catch (RuntimeException e) {
            record.error = "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage();
            response = DrainResponse.of(500, "internal error; retry\n");
        }
        record.status = response.status();
        record.durationNanos = System.nanoTime() - started;
        log.write(record);
        return response;
    }

    /**
     * A request the adapter refused before reading all of its body, because it is larger than Lambda accepts: one
     * log line, and the 413 to send.
     */
    public DrainResponse refuseTooLarge(String method, Map<String, String> headers, long bytesSeen) {
        RequestRecord record = record(method, headers, bytesSeen);
        record.reason = "body above " + MAX_BODY_BYTES + " bytes";
        record.status = 413;
        log.write(record);
        return DrainResponse.of(413, "body too large\n");
    }

    /**
     * A request whose body never arrived whole (the client went away, or sent too slowly for the deadline): nothing
     * can be answered, but the line is logged, since its batch is lost unless the sender retries.
     */
    public void abandoned(String method, Map<String, String> headers, long bytesSeen, String why, long startedNanos) {
        RequestRecord record = record(method, headers, bytesSeen);
        record.error = "no answer sent: " + why;
        record.status = 0;
        record.durationNanos = System.nanoTime() - startedNanos;
        log.write(record);
    }

    /**
     * An invocation whose event could not be read as an HTTP request (never one a Function URL delivers): logged, then
     * failed by the adapter, which Lambda turns into a 502 that the sender retries.
     */
    public void unreadable(String why, long startedNanos) {
        RequestRecord record = record("", Map.of(), 0);
        record.error = "unreadable invocation event: " + why;
        record.status = 502;
        record.durationNanos = System.nanoTime() - startedNanos;
        log.write(record);
    }

    /** The health path: whether a drain POST would be stored now; one log line, without metrics. */
    private DrainResponse health(String method, long started) {
        Readiness.State state = readiness.check();
        RequestRecord record = new RequestRecord();
        record.method = method;
        record.status = state.ready() ? 200 : 503;
        record.error = state.problem();
        record.durationNanos = System.nanoTime() - started;
        log.writeHealth(record);
        return state.ready() ? DrainResponse.of(200, "ok\n")
                : DrainResponse.of(503, "not ready: a batch would not be stored now\n", "retry-after", "30");
    }

    private static RequestRecord record(String method, Map<String, String> headers, long bytesIn) {
        RequestRecord record = new RequestRecord();
        record.method = method;
        record.bytesIn = bytesIn;
        record.frameId = BatchEncoder.plausibleFrameId(headers.get("logplex-frame-id"));
        record.drainToken = BatchEncoder.plausibleDrainToken(headers.get("logplex-drain-token"));
        record.declaredMessages = digitsOnly(headers.get("logplex-msg-count"));
        return record;
    }

    private DrainResponse handleDrain(DrainRequest request, RequestRecord record, Deadline deadline) {
        if (!record.method.equals("POST")) {
            record.reason = "method not allowed";
            return DrainResponse.of(405, "POST drain batches here\n", "allow", "POST");
        }
        if (request.body().length > MAX_BODY_BYTES) {
            record.reason = "body above " + MAX_BODY_BYTES + " bytes";
            return DrainResponse.of(413, "body too large\n");
        }
        DrainAuthenticator.Outcome outcome;
        try {
            outcome = authenticator.authenticate(request.header("authorization"), deadline,
                    () -> record.credentialReads++);
        } catch (CredentialStoreException e) {
            record.error = e.getMessage();
            return DrainResponse.of(503, "credential store unavailable; retry\n", "retry-after", "5");
        }
        if (outcome instanceof DrainAuthenticator.Outcome.Busy busy) {
            record.reason = "credential lookups over budget";
            record.attemptedApp = busy.app();
            return DrainResponse.of(429, "busy; retry\n", "retry-after", "5");
        }
        if (outcome instanceof DrainAuthenticator.Outcome.Rejected rejected) {
            record.reason = rejected.reason();
            record.attemptedApp = rejected.app();
            return DrainResponse.of(401, "unauthorized\n", "www-authenticate", "Basic realm=\"auditdrain\"");
        }
        String app = ((DrainAuthenticator.Outcome.Accepted) outcome).app();
        record.app = app;
        // Decoded only once the credential is good: a stranger's body is never expanded.
        ContentDecoding.Decoded body = ContentDecoding.decode(request.body(), request.header("content-encoding"));
        record.contentEncoding = ContentDecoding.nameForLog(request.header("content-encoding"));
        if (body.failed()) {
            record.undecodable = body.failure();
        }
        EncodedBatch batch = encoders.get().encode(body.body(), new BatchEncoder.BatchContext(app,
                request.header("logplex-frame-id"), request.header("logplex-drain-token")));
        record.messages = batch.messages();
        record.malformedFrames = batch.malformedFrames();
        record.overflowNotices = batch.overflowNotices();
        record.bytesOut = batch.bytesOut();
        List<String> keys = new ArrayList<>(batch.objects().size());
        record.keys = keys;
        for (DrainObject object : batch.objects()) {
            long putStarted = System.nanoTime();
            try {
                ObjectStore.PutOutcome put = store.put(object, deadline);
                record.storeNanos += System.nanoTime() - putStarted;
                keys.add(object.key().toString());
                if (put == ObjectStore.PutOutcome.ALREADY_STORED) {
                    record.alreadyStored++;
                }
            } catch (StoreException e) {
                record.storeNanos += System.nanoTime() - putStarted;
                record.error = e.getMessage();
                return DrainResponse.of(503, "not stored; retry\n", "retry-after", "5");
            }
        }
        return DrainResponse.of(200, "");
    }

    private static String digitsOnly(String value) {
        return value != null && value.length() <= 9 && !value.isEmpty() && value.chars().allMatch(Character::isDigit)
                ? value : null;
    }
}
