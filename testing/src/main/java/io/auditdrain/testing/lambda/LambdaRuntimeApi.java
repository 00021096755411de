package io.auditdrain.testing.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Lambda Runtime API (2018-06-01) on loopback, as the execution environment serves it to the runtime interface
 * client: {@code invocation/next} (long poll), {@code invocation/<id>/response}, {@code invocation/<id>/error},
 * {@code init/error}, and SnapStart's {@code restore/next} and {@code restore/error}.
 *
 * <p>A test queues events with {@link #invoke}; the runtime fetches them, and the call returns what the runtime
 * posted back. For SnapStart, {@code restore/next} is held until {@link #restore()}: between the runtime's
 * before-checkpoint hooks and that call the environment is "in the snapshot", where a test may change what the
 * world looks like (credentials, time) before the restore.
 */
public final class LambdaRuntimeApi implements AutoCloseable {

    private static final String PREFIX = "/2018-06-01/runtime/";

    private final HttpServer server;
    private final String functionArn;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Map<String, Pending> inFlight = new ConcurrentHashMap<>();
    private final CompletableFuture<RuntimeError> initError = new CompletableFuture<>();
    private final CompletableFuture<RuntimeError> restoreError = new CompletableFuture<>();
    private final CountDownLatch checkpointed = new CountDownLatch(1);
    private final CountDownLatch restored = new CountDownLatch(1);
    private final List<String> lifecycle = new ArrayList<>();

    /** What the runtime posted to an error endpoint: the error type header and the JSON body. */
    public record RuntimeError(String type, String body) {
    }

    /** The runtime's answer to one invocation: a response payload, or an error. */
    public record Outcome(byte[] response, RuntimeError error) {
        public boolean succeeded() {
            return error == null;
        }

        public String responseText() {
            return response == null ? null : new String(response, UTF_8);
        }
    }

    private record Pending(String requestId, byte[] event, long deadlineEpochMillis, CompletableFuture<Outcome> done) {
    }

    private LambdaRuntimeApi(HttpServer server, String functionArn) {
        this.server = server;
        this.functionArn = functionArn;
    }

    /** Starts the API on a free loopback port; {@code functionArn} is what invocations report as invoked. */
    public static LambdaRuntimeApi start(String functionArn) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            LambdaRuntimeApi api = new LambdaRuntimeApi(server, functionArn);
            server.createContext(PREFIX, api::serve);
            // The long poll of invocation/next holds one thread for as long as the runtime waits.
            server.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "lambda-runtime-api");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return api;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code host:port}, the value of {@code AWS_LAMBDA_RUNTIME_API}. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Delivers one event and waits for the runtime's answer.
     *
     * @param timeout the function timeout: the invocation's deadline, and how long this waits
     * @throws TimeoutException when the runtime did not answer in time (as Lambda, which would stop the environment)
     */
    public Outcome invoke(byte[] event, Duration timeout) throws TimeoutException {
        Pending pending = new Pending(UUID.randomUUID().toString(), event,
                System.currentTimeMillis() + timeout.toMillis(), new CompletableFuture<>());
        inFlight.put(pending.requestId(), pending);
        queue.add(pending);
        try {
            return pending.done().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            inFlight.remove(pending.requestId());
        }
    }

    /** The init error the runtime reported, if it reports one within {@code timeout}. */
    public RuntimeError awaitInitError(Duration timeout) throws TimeoutException {
        return await(initError, timeout);
    }

    /** Waits until the runtime has run its before-checkpoint hooks and asked for {@code restore/next}. */
    public boolean awaitCheckpoint(Duration timeout) throws InterruptedException {
        return checkpointed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets a runtime waiting in {@code restore/next} resume: its after-restore hooks run next. */
    public void restore() {
        lifecycle("restore");
        restored.countDown();
    }

    /** The restore error the runtime reported, if it reports one within {@code timeout}. */
    public RuntimeError awaitRestoreError(Duration timeout) throws TimeoutException {
        return await(restoreError, timeout);
    }

    /** What happened, in order: {@code next}, {@code response}, {@code error}, {@code init-error}, ... */
    public synchronized List<String> lifecycle() {
        return List.copyOf(lifecycle);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private synchronized void lifecycle(String event) {
        lifecycle.add(event);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String method = exchange.getRequestMethod();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String errorType = exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
            if (method.equals("GET") && path.equals("invocation/next")) {
                next(exchange);
            } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/response")) {
                finish(exchange, path, new Outcome(body, null));
            } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/error")) {
                finish(exchange, path, new Outcome(null, new RuntimeError(errorType, new String(body, UTF_8))));
            } else if (method.equals("POST") && path.equals("init/error")) {
                lifecycle("init-error");
                initError.complete(new RuntimeError(errorType, new String(body, UTF_8)));
                respond(exchange, 202, "{\"status\":\"OK\"}");
            } else if (method.equals("GET") && path.equals("restore/next")) {
                lifecycle("checkpoint");
                checkpointed.countDown();
                awaitUninterruptibly(restored);
                respond(exchange, 200, "");
            } else if (method.equals("POST") && path.equals("restore/error")) {
                lifecycle("restore-error");
                restoreError.complete(new RuntimeError(errorType, new String(body, UTF_8)));
                respond(exchange, 202, "{\"status\":\"OK\"}");
            } else {
                respond(exchange, 404, "{\"errorMessage\":\"unknown runtime API path\"}");
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        Pending pending;
        try {
            pending = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        lifecycle("next");
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        headers.set("Lambda-Runtime-Aws-Request-Id", pending.requestId());
        headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(pending.deadlineEpochMillis()));
        headers.set("Lambda-Runtime-Invoked-Function-Arn", functionArn);
        headers.set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
        exchange.sendResponseHeaders(200, pending.event().length);
        exchange.getResponseBody().write(pending.event());
    }

    private void finish(HttpExchange exchange, String path, Outcome outcome) throws IOException {
        String requestId = path.substring("invocation/".length(), path.lastIndexOf('/'));
        Pending pending = inFlight.get(requestId);
        if (pending == null) {
            respond(exchange, 400, "{\"errorMessage\":\"unknown or finished request id\"}");
            return;
        }
        lifecycle(outcome.succeeded() ? "response" : "error");
        respond(exchange, 202, "{\"status\":\"OK\"}");
        pending.done().complete(outcome);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    private static <T> T await(CompletableFuture<T> future, Duration timeout) throws TimeoutException {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
