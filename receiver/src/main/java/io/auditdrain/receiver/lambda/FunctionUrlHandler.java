package io.auditdrain.receiver.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.auditdrain.receiver.Deadline;
import io.auditdrain.receiver.Receiver;
import io.auditdrain.receiver.config.ReceiverConfig;
import io.auditdrain.receiver.ingest.DrainResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;

/**
 * The Lambda entry point behind a Function URL. Everything is built once per execution environment, in the
 * constructor (Lambda's init phase, which SnapStart snapshots): a configuration error fails init with the whole list
 * of problems, which the runtime reports as an init error, and Lambda answers the Function URL with an error that
 * Logplex retries.
 *
 * <p>Each request gets one deadline: {@link Deadline#REQUEST_BUDGET} from when the Function URL received it (so the
 * time a SnapStart restore took counts), and never later than the function's own timeout allows.
 *
 * <p>SnapStart: before the snapshot, the request path is primed in memory (event parsing, framing, encoding, gzip,
 * and S3 and SSM calls through the whole SDK answered without network or credentials; see {@link
 * io.auditdrain.receiver.aws.Priming}), so restored environments start with those classes loaded and warm. After a
 * restore, cached credentials may be arbitrarily old (the snapshot may be days old), so they are dropped and re-read on
 * first use; the role's AWS credentials were never fetched before the snapshot; pooled connections from before it
 * are stale and the SDK reconnects on its own; object ids derive from content, so no random seed is shared between
 * restored environments.
 */
public final class FunctionUrlHandler implements RequestStreamHandler, Resource {

    /**
     * {@code -Dauditdrain.prime=false} leaves the SDK's request path unprimed before a snapshot: only the benchmark
     * that measures what priming saves sets it.
     */
    static final String PRIME_PROPERTY = "auditdrain.prime";

    /** Left of the function's timeout for writing the answer after the deadline passed. */
    static final Duration ANSWER_MARGIN = Duration.ofMillis(500);

    private final Receiver receiver;
    private final PrintStream log;

    public FunctionUrlHandler() {
        this(ReceiverConfig.fromEnvironment(System.getenv()), System.getenv(), System.out);
    }

    FunctionUrlHandler(ReceiverConfig config, Map<String, String> environment, PrintStream log) {
        this.receiver = Receiver.create(config, environment, log);
        this.log = log;
        Core.getGlobalContext().register(this);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        long started = System.nanoTime();
        FunctionUrlEvent.Delivered delivered;
        try {
            delivered = FunctionUrlEvent.parse(input);
        } catch (IOException e) {
            receiver.handler().unreadable(e.getMessage(), started);
            throw e;
        }
        long now = System.currentTimeMillis();
        Deadline deadline = delivered.timeEpochMillis() == FunctionUrlEvent.Delivered.UNKNOWN
                ? Deadline.after(Deadline.REQUEST_BUDGET)
                : Deadline.forArrival(delivered.timeEpochMillis(), now);
        if (context != null) {
            deadline = deadline.atMost(Deadline.after(
                    Duration.ofMillis(context.getRemainingTimeInMillis()).minus(ANSWER_MARGIN)));
        }
        DrainResponse response = receiver.handler().handle(delivered.request(), deadline);
        FunctionUrlEvent.write(response, output);
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) throws IOException {
        FunctionUrlEvent.prime();
        if (!"false".equals(System.getProperty(PRIME_PROPERTY))) {
            receiver.prime();
        }
        receiver.credentials().clear();
        lifecycle("before_checkpoint");
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        receiver.credentials().clear();
        lifecycle("after_restore");
    }

    /** One JSON line per SnapStart hook, so that restores can be found in the function's logs. */
    private void lifecycle(String phase) {
        log.println("{\"level\":\"INFO\",\"event\":\"snapstart\",\"phase\":\"" + phase + "\"}");
    }
}
