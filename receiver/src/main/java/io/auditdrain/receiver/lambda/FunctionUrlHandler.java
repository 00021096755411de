package io.auditdrain.receiver.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.auditdrain.receiver.Receiver;
import io.auditdrain.receiver.config.ReceiverConfig;
import io.auditdrain.receiver.ingest.DrainRequest;
import io.auditdrain.receiver.ingest.DrainResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import org.crac.Core;
import org.crac.Resource;

/**
 * The Lambda entry point behind a Function URL. Everything is built once per execution environment, in the
 * constructor (Lambda's init phase, which SnapStart snapshots): a configuration error fails init with the whole list
 * of problems, and every invocation is then a 5xx that Logplex retries.
 *
 * <p>SnapStart: before the snapshot, the request path is primed in memory (event parsing, framing, encoding, gzip;
 * no network call and no object written), so restored instances start with those classes loaded and warm. After a
 * restore, cached credentials may be arbitrarily old (the snapshot may be days old), so they are dropped and re-read
 * on first use; pooled connections from before the snapshot are stale and the SDK reconnects on its own; object ids
 * derive from content, so no random seed is shared between restored instances.
 */
public final class FunctionUrlHandler implements RequestStreamHandler, Resource {

    private final Receiver receiver;

    public FunctionUrlHandler() {
        this(ReceiverConfig.fromEnvironment(System.getenv()), System.out);
    }

    FunctionUrlHandler(ReceiverConfig config, PrintStream log) {
        this.receiver = Receiver.create(config, log);
        Core.getGlobalContext().register(this);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        DrainRequest request = FunctionUrlEvent.read(input);
        DrainResponse response = receiver.handler().handle(request);
        FunctionUrlEvent.write(response, output);
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) throws IOException {
        FunctionUrlEvent.prime();
        receiver.credentials().clear();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        receiver.credentials().clear();
    }
}
