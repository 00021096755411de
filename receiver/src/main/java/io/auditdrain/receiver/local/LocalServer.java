package io.auditdrain.receiver.local;

import io.auditdrain.receiver.Deadline;
import io.auditdrain.receiver.ingest.DrainRequest;
import io.auditdrain.receiver.ingest.DrainRequestHandler;
import io.auditdrain.receiver.ingest.DrainResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.QuietException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The same request handling as the Lambda, behind an embedded Jetty server, built so that slow or idle clients
 * cannot starve the senders that matter:
 * <ul>
 *   <li>headers are read without holding a worker thread (Jetty parses them as they arrive), and a connection that
 *       has not sent a whole first request within {@link #HEADER_DEADLINE} is closed (slowloris on headers);</li>
 *   <li>a body is collected as it arrives, without holding a worker thread, within a server-wide memory budget
 *       ({@link BodyBudget}, a quarter of the heap), and must arrive within the request's deadline, or the connection
 *       is closed (slowloris on bodies: Logplex sends a 100 KB batch in well under a second, and gives up on its
 *       request after about 5 s anyway);</li>
 *   <li>a connection idle for {@link #IDLE_TIMEOUT} is closed, and at most {@link #MAX_CONNECTIONS} are open at once
 *       (beyond it the server stops accepting, and idle connections are closed after 2 s instead);</li>
 *   <li>the workers that run requests are a bounded pool. Its queue is not bounded: Jetty queues its own critical
 *       tasks there too, and a full queue would reject them and stall the server (Jetty warns against it); the
 *       connection limit is what bounds the queued work.</li>
 * </ul>
 */
public final class LocalServer implements AutoCloseable {

    static final Duration HEADER_DEADLINE = Duration.ofSeconds(10);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    static final int MAX_CONNECTIONS = 512;
    /** Jetty's own threads (acceptor, selector) come out of the same pool. */
    private static final int JETTY_THREADS = 4;

    private final Server server;
    private final ServerConnector connector;

    private LocalServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /** @param threads workers that run requests (each waits for S3 while it stores a batch) */
    public static LocalServer start(DrainRequestHandler handler, String bindAddress, int port, int threads)
            throws IOException {
        return start(handler, bindAddress, port, threads, BodyBudget.forHeap(Runtime.getRuntime().maxMemory()));
    }

    /** @param bodyBudgetBytes how many bytes of request bodies may be held in memory at once */
    static LocalServer start(DrainRequestHandler handler, String bindAddress, int port, int threads,
                             long bodyBudgetBytes) throws IOException {
        QueuedThreadPool pool = new QueuedThreadPool(threads + JETTY_THREADS, Math.min(4, threads + JETTY_THREADS),
                60_000);
        pool.setName("drain-http");
        pool.setDaemon(true);
        Server server = new Server(pool);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(16 * 1024);
        http.setIdleTimeout(IDLE_TIMEOUT.toMillis());

        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(bindAddress);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        connector.addBean(new FirstRequestDeadline(server.getScheduler()));
        server.addConnector(connector);

        NetworkConnectionLimit limit = new NetworkConnectionLimit(MAX_CONNECTIONS, connector);
        limit.setEndPointIdleTimeout(2_000);
        server.addBean(limit);

        BodyBudget bodies = new BodyBudget(bodyBudgetBytes, pool);
        server.setHandler(new DrainHandler(handler, bodies));
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // already failing
            }
            throw e instanceof IOException io ? io : new IOException("could not start the local server: " + e, e);
        }
        return new LocalServer(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.setStopTimeout(5_000);
            server.stop();
        } catch (Exception e) {
            // shutting down: nothing left to do about it
        }
    }

    /** Closes a connection that has not sent a whole first request in time (headers trickled, say). */
    private static final class FirstRequestDeadline implements Connection.Listener {
        private final Scheduler scheduler;

        FirstRequestDeadline(Scheduler scheduler) {
            this.scheduler = scheduler;
        }

        @Override
        public void onOpened(Connection connection) {
            scheduler.schedule(() -> {
                if (connection.getMessagesIn() == 0 && connection.getEndPoint().isOpen()) {
                    connection.getEndPoint().close();
                }
            }, HEADER_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Jetty's request, handed to the drain handler once its body is complete; the answer written back. The body is
     * collected without a worker thread ({@link BodyCollector}); the handler runs on a worker, since it waits for S3.
     */
    private static final class DrainHandler extends Handler.Abstract {
        private final DrainRequestHandler handler;
        private final BodyBudget bodies;

        DrainHandler(DrainRequestHandler handler, BodyBudget bodies) {
            this.handler = handler;
            this.bodies = bodies;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            // Logplex's wait started when it sent the request: the wait for a worker and the body count too.
            Deadline deadline = Deadline.afterWaiting(
                    Duration.ofNanos(System.nanoTime() - request.getBeginNanoTime()));
            String method = request.getMethod().toUpperCase(Locale.ROOT);
            Map<String, String> headers = new HashMap<>();
            for (HttpField field : request.getHeaders()) {
                headers.putIfAbsent(field.getLowerCaseName(), field.getValue());
            }
            long started = System.nanoTime();
            // A body still arriving when the deadline passes will never be answered in time: drop the connection.
            Scheduler.Task cutOff = request.getComponents().getScheduler().schedule(
                    () -> request.getConnectionMetaData().getConnection().getEndPoint().close(),
                    Math.max(1, deadline.remaining().toMillis()), TimeUnit.MILLISECONDS);
            BodyCollector.collect(request, bodies, request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH),
                    new BodyCollector.Outcome() {
                        @Override
                        public void complete(byte[] bytes, long seen) {
                            cutOff.cancel();
                            DrainResponse answer;
                            try {
                                answer = bytes == null
                                        ? handler.refuseTooLarge(method, headers, seen)
                                        : handler.handle(new DrainRequest(method, request.getHttpURI().getPath(),
                                                headers, bytes), deadline);
                            } catch (RuntimeException e) {
                                callback.failed(e); // Jetty answers 500
                                return;
                            }
                            respond(method, answer, response, callback);
                        }

                        @Override
                        public void failed(Throwable failure, long seen) {
                            cutOff.cancel();
                            // The client went away, or sent too slowly for the deadline: nobody is left to answer.
                            handler.abandoned(method, headers, seen, describe(failure), started);
                            // That was this request's one log line: Jetty logs a quiet failure at debug only.
                            callback.failed(failure instanceof QuietException ? failure
                                    : new QuietException.Exception(failure));
                        }
                    });
            return true;
        }

        private static void respond(String method, DrainResponse answer, Response response, Callback callback) {
            response.setStatus(answer.status());
            answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
            byte[] payload = answer.body().getBytes(StandardCharsets.UTF_8);
            if (method.equals("HEAD") || payload.length == 0) {
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
                response.write(true, ByteBuffer.allocate(0), callback);
            } else {
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, payload.length);
                response.write(true, ByteBuffer.wrap(payload), callback);
            }
        }

        private static String describe(Throwable e) {
            String message = e.getMessage();
            return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        }
    }
}
