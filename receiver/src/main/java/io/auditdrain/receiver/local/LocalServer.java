package io.auditdrain.receiver.local;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.auditdrain.receiver.Deadline;
import io.auditdrain.receiver.ingest.DrainRequest;
import io.auditdrain.receiver.ingest.DrainRequestHandler;
import io.auditdrain.receiver.ingest.DrainResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The same request handling as the Lambda, behind the JDK's HTTP server (no extra dependency). */
public final class LocalServer implements AutoCloseable {

    /** How much of a too-large body is read and thrown away so that its sender sees the 413. */
    private static final long DISCARD_LIMIT = 64L * 1024 * 1024;

    private final HttpServer server;
    private final ExecutorService executor;

    private LocalServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static LocalServer start(DrainRequestHandler handler, String bindAddress, int port, int threads)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 128);
        ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "drain-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> serve(handler, exchange));
        server.start();
        return new LocalServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void serve(DrainRequestHandler handler, HttpExchange exchange) throws IOException {
        try (exchange) {
            // Logplex's wait started when it sent the request: reading the body counts against the deadline too.
            Deadline deadline = Deadline.after(Deadline.REQUEST_BUDGET);
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            Map<String, String> headers = lowerCaseHeaders(exchange.getRequestHeaders());
            byte[] body = readBody(exchange.getRequestBody(), headers.get("content-length"));
            DrainResponse response = body == null
                    ? tooLarge()
                    : handler.handle(new DrainRequest(method, exchange.getRequestURI().getRawPath(), headers, body),
                            deadline);
            Headers out = exchange.getResponseHeaders();
            response.headers().forEach(out::set);
            byte[] payload = response.body().getBytes(StandardCharsets.UTF_8);
            boolean noBody = payload.length == 0 || method.equals("HEAD");
            exchange.sendResponseHeaders(response.status(), noBody ? -1 : payload.length);
            if (!noBody) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(payload);
                }
            }
        }
    }

    /**
     * The body, or null when it is larger than Lambda would accept (answered 413). The rest of a too-large body is
     * read and discarded, up to a bound, because a client still sending gets a connection reset instead of the 413
     * if the server closes first; beyond the bound the connection is simply closed.
     */
    private static byte[] readBody(InputStream in, String contentLength) throws IOException {
        long declared = -1;
        if (contentLength != null) {
            try {
                declared = Long.parseLong(contentLength.strip());
            } catch (NumberFormatException e) {
                // let the stream tell
            }
        }
        if (declared > DrainRequestHandler.MAX_BODY_BYTES) {
            discard(in);
            return null;
        }
        byte[] body = in.readNBytes(DrainRequestHandler.MAX_BODY_BYTES + 1);
        if (body.length > DrainRequestHandler.MAX_BODY_BYTES) {
            discard(in);
            return null;
        }
        return body;
    }

    private static void discard(InputStream in) throws IOException {
        byte[] sink = new byte[64 * 1024];
        long left = DISCARD_LIMIT;
        int n;
        while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
            left -= n;
        }
    }

    private static DrainResponse tooLarge() {
        return new DrainResponse(413, "body too large\n", Map.of("content-type", "text/plain; charset=utf-8"));
    }

    private static Map<String, String> lowerCaseHeaders(Headers headers) {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (!e.getValue().isEmpty()) {
                out.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().get(0));
            }
        }
        return out;
    }
}
