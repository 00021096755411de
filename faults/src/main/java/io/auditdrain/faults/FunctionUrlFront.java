package io.auditdrain.faults;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.auditdrain.testing.lambda.FunctionUrlRequest;
import io.auditdrain.testing.lambda.LambdaRuntimeApi;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What a Lambda Function URL does in front of a function, on loopback: each HTTP request becomes a Function URL event
 * (payload 2.0, {@code timeEpoch} = its arrival; a header sent twice joined with a comma, the query string and cookies
 * kept, as {@link FunctionUrlRequest} builds it) for one idle execution environment, which serves one request at a
 * time as Lambda's do; the function's response becomes the HTTP answer. With no environment idle within {@link
 * #THROTTLE_AFTER}, the answer is 429, as Lambda's when its concurrency is used up. An event above Lambda's payload
 * limit is answered 413 without an invocation. A function that does not answer within its timeout is stopped (its
 * environment replaced) and the answer is 502, as Lambda's; so is one whose runtime exited or failed to restore.
 */
final class FunctionUrlFront implements AutoCloseable {

    static final Duration THROTTLE_AFTER = Duration.ofSeconds(1);

    private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "keep-alive",
            "transfer-encoding", "expect", "upgrade", "te");
    private static final JsonFactory JSON = new JsonFactory();
    /** Errors after which the environment serves nothing more: Lambda replaces it. */
    private static final List<String> ENVIRONMENT_FAILURES = List.of("Runtime.ExitError", "Runtime.OutOfMemory",
            "SnapStart", "Sandbox.");

    /** One execution environment with its own runtime API. */
    interface Slot extends AutoCloseable {
        LambdaRuntimeApi api();

        @Override
        void close();
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final LinkedBlockingQueue<Slot> idle = new LinkedBlockingQueue<>();
    private final Supplier<Slot> replacement;
    private final Duration functionTimeout;
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong functionErrors = new AtomicLong();

    private FunctionUrlFront(HttpServer server, ExecutorService executor, List<Slot> slots, Supplier<Slot> replacement,
                             Duration functionTimeout) {
        this.server = server;
        this.executor = executor;
        this.idle.addAll(slots);
        this.replacement = replacement;
        this.functionTimeout = functionTimeout;
    }

    /**
     * @param slots the environments, started and ready for invocations
     * @param replacement starts a new environment, for one that timed out
     */
    static FunctionUrlFront start(List<Slot> slots, Supplier<Slot> replacement, Duration functionTimeout) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "function-url");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(executor);
            FunctionUrlFront front = new FunctionUrlFront(server, executor, slots, replacement, functionTimeout);
            server.createContext("/", front::serve);
            server.start();
            return front;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    Map<String, Long> counters() {
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("invocations", invocations.get());
        counters.put("throttled (429, no idle environment)", throttled.get());
        counters.put("function timeouts (502, environment replaced)", timedOut.get());
        counters.put("function errors (502)", functionErrors.get());
        return counters;
    }

    /** Stops serving; the environments are their owner's to close. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            long arrived = System.currentTimeMillis();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String query = exchange.getRequestURI().getRawQuery();
            FunctionUrlRequest request = FunctionUrlRequest.of(exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> request.addHeader(name, value));
                }
            });
            byte[] event = request.body(body).receivedAt(arrived).event();
            if (event.length > LambdaRuntimeApi.MAX_EVENT_BYTES) {
                // Refused before any environment is invoked (the Invoke API's RequestEntityTooLargeException).
                answer(exchange, 413, Map.of("content-type", "application/json"), "{\"Message\":\"Request must be"
                        + " smaller than " + LambdaRuntimeApi.MAX_EVENT_BYTES + " bytes for the InvokeFunction"
                        + " operation\"}");
                return;
            }
            Slot slot = idle.poll(THROTTLE_AFTER.toMillis(), TimeUnit.MILLISECONDS);
            if (slot == null) {
                throttled.incrementAndGet();
                answer(exchange, 429, Map.of("content-type", "application/json"),
                        "{\"Message\":\"Rate Exceeded.\"}");
                return;
            }
            invocations.incrementAndGet();
            LambdaRuntimeApi.Outcome outcome;
            try {
                outcome = slot.api().invoke(event, functionTimeout);
            } catch (TimeoutException e) {
                timedOut.incrementAndGet();
                replace(slot);
                answer(exchange, 502, Map.of("content-type", "application/json"),
                        "{\"Message\":\"function timed out\"}");
                return;
            } catch (RuntimeException e) {
                idle.add(slot);
                throw e;
            }
            if (!outcome.succeeded() && ENVIRONMENT_FAILURES.stream().anyMatch(outcome.error().type()::startsWith)) {
                functionErrors.incrementAndGet();
                replace(slot);
                answer(exchange, 502, Map.of("content-type", "application/json"),
                        "{\"Message\":\"" + outcome.error().type() + "\"}");
                return;
            }
            idle.add(slot);
            if (!outcome.succeeded()) {
                functionErrors.incrementAndGet();
                answer(exchange, 502, Map.of("content-type", "application/json"),
                        "{\"Message\":\"function error\"}");
                return;
            }
            relay(exchange, outcome.response());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops an environment that did not answer and starts another in its place, off the request's thread. */
    private void replace(Slot slot) {
        executor.execute(() -> {
            slot.close();
            idle.add(replacement.get());
        });
    }

    /** The function's response object ({@code statusCode}, {@code headers}, {@code body}) as the HTTP answer. */
    private static void relay(HttpExchange exchange, byte[] response) throws IOException {
        int status = 200;
        Map<String, String> headers = new LinkedHashMap<>();
        String body = "";
        boolean base64 = false;
        try (JsonParser p = JSON.createParser(response)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the function's response is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "statusCode" -> status = p.getIntValue();
                    case "body" -> body = p.getText();
                    case "isBase64Encoded" -> base64 = p.getBooleanValue();
                    case "headers" -> {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String header = p.currentName();
                            p.nextToken();
                            headers.put(header, p.getText());
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }
        byte[] bytes = base64 ? Base64.getDecoder().decode(body) : body.getBytes(UTF_8);
        answer(exchange, status, headers, bytes);
    }

    private static void answer(HttpExchange exchange, int status, Map<String, String> headers, String body)
            throws IOException {
        answer(exchange, status, headers, body.getBytes(UTF_8));
    }

    private static void answer(HttpExchange exchange, int status, Map<String, String> headers, byte[] body)
            throws IOException {
        headers.forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
