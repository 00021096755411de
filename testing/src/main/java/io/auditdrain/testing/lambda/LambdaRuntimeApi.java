package io.auditdrain.testing.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The Lambda Runtime API (2018-06-01) on loopback, as the execution environment serves it to the runtime interface
 * client: {@code invocation/next} (long poll), {@code invocation/<id>/response}, {@code invocation/<id>/error},
 * {@code init/error}, and SnapStart's {@code restore/next} and {@code restore/error}; with Lambda's limits and the
 * answers Lambda gives when they are passed (AWS's runtime interface emulator is the reference for the status codes
 * and messages):
 * <ul>
 *   <li>an event above {@link #MAX_EVENT_BYTES} is never delivered: the invocation is refused with {@code
 *       RequestEntityTooLargeException} (a Function URL answers 413) and the function does not run;</li>
 *   <li>a response above {@link #MAX_RESPONSE_BYTES} is refused with 413 {@code RequestEntityTooLarge} and the
 *       invocation fails with {@code Function.ResponseSizeTooLarge}; the invocation is over, so the error the runtime
 *       client then reports is refused (403 {@code InvalidStateTransition}), and the client exits, as it does in
 *       Lambda;</li>
 *   <li>an error type that is not {@code Runtime.*} or {@code Function.*} is reported as {@code Runtime.Unknown};</li>
 *   <li>when the environment fails ({@link #fail}: the runtime exited or was killed, a restore failed or timed out),
 *       every invocation waiting or to come gets that failure at once, as Lambda answers them.</li>
 * </ul>
 * The time limits of init and restore are the execution environment's ({@link LambdaExecutionEnvironment}), which
 * watches this API's progress.
 *
 * <p>A test queues events with {@link #invoke}; the runtime fetches them, and the call returns what the runtime
 * posted back. For SnapStart, {@code restore/next} is held until {@link #restore()}: between the runtime's
 * before-checkpoint hooks and that call the environment is "in the snapshot", where a test may change what the
 * world looks like (credentials, time) before the restore.
 */
public final class LambdaRuntimeApi implements AutoCloseable {

    /** Lambda's invocation payload limit for a synchronous invocation (a Function URL's event). */
    public static final int MAX_EVENT_BYTES = 6_291_456;
    /** The response limit as the Runtime API enforces it: 6 MiB and 100 bytes. */
    public static final int MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;

    private static final String PREFIX = "/2018-06-01/runtime/";
    private static final Pattern VALID_ERROR_TYPE = Pattern.compile("(Runtime|Function)\\.[A-Z][a-zA-Z]+");
    private static final JsonFactory JSON = new JsonFactory();

    private final HttpServer server;
    private final String functionArn;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Map<String, Pending> inFlight = new ConcurrentHashMap<>();
    private final Set<String> finished = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<RuntimeError> initError = new CompletableFuture<>();
    private final CompletableFuture<RuntimeError> restoreError = new CompletableFuture<>();
    private final CompletableFuture<RuntimeError> failure = new CompletableFuture<>();
    private final CountDownLatch checkpointed = new CountDownLatch(1);
    private final CountDownLatch restored = new CountDownLatch(1);
    private final List<String> lifecycle = new ArrayList<>();
    private final Object progress = new Object();
    private int nextCalls;
    private volatile long restoreCalledNanos;

    /**
     * An error, as the runtime posted it (its {@code Lambda-Runtime-Function-Error-Type} and JSON body) or as Lambda
     * reports a failure of the environment ({@code Runtime.ExitError}, {@code Function.ResponseSizeTooLarge}, ...).
     */
    public record RuntimeError(String type, String body) {
        /** The body's {@code errorMessage} (Lambda's own errors) or {@code message}; null when it has neither. */
        public String errorMessage() {
            String message = field("errorMessage");
            return message != null ? message : field("message");
        }

        /** The body's {@code errorType}: for a function's exception, its class. */
        public String errorType() {
            return field("errorType");
        }

        private String field(String name) {
            try (JsonParser p = JSON.createParser(body)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return null;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (field.equals(name) && value == JsonToken.VALUE_STRING) {
                        return p.getText();
                    }
                    p.skipChildren();
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        }

        static RuntimeError of(String type, String message) {
            return new RuntimeError(type, "{\"errorType\":\"" + type + "\",\"errorMessage\":\""
                    + new String(JsonStringEncoder.getInstance().quoteAsString(message)) + "\"}");
        }
    }

    /** The answer to one invocation: a response payload, or an error (the function's, or Lambda's). */
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
     * Delivers one event and waits for the answer.
     *
     * @param timeout the function timeout: the invocation's deadline, and how long this waits
     * @throws TimeoutException when the runtime did not answer in time (as Lambda, which would stop the environment)
     */
    public Outcome invoke(byte[] event, Duration timeout) throws TimeoutException {
        if (event.length > MAX_EVENT_BYTES) {
            return new Outcome(null, RuntimeError.of("RequestEntityTooLargeException", "Request must be smaller than "
                    + MAX_EVENT_BYTES + " bytes for the InvokeFunction operation"));
        }
        Pending pending = new Pending(UUID.randomUUID().toString(), event,
                System.currentTimeMillis() + timeout.toMillis(), new CompletableFuture<>());
        inFlight.put(pending.requestId(), pending);
        queue.add(pending);
        if (failure.isDone()) {
            pending.done().complete(failed(pending.requestId(), failure.join()));
        }
        synchronized (progress) {
            progress.notifyAll();
        }
        try {
            return pending.done().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            inFlight.remove(pending.requestId());
            queue.remove(pending);
        }
    }

    /** The init error the runtime reported, if it reports one within {@code timeout}. */
    public RuntimeError awaitInitError(Duration timeout) throws TimeoutException {
        return await(initError, timeout);
    }

    /**
     * Waits until the runtime asks for its first invocation: its init (or, for SnapStart, its restore) is over.
     * False when the environment failed first or {@code timeout} passed.
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return awaitNextCall(0, timeout);
    }

    /** Waits until the runtime has run its before-checkpoint hooks and asked for {@code restore/next}. */
    public boolean awaitCheckpoint(Duration timeout) throws InterruptedException {
        return checkpointed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets a runtime waiting in {@code restore/next} resume: its after-restore hooks run next. */
    public void restore() {
        restoreCalledNanos = System.nanoTime();
        lifecycle("restore");
        restored.countDown();
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /** The restore error the runtime reported, if it reports one within {@code timeout}. */
    public RuntimeError awaitRestoreError(Duration timeout) throws TimeoutException {
        return await(restoreError, timeout);
    }

    /** The failure of the environment, once it failed (see {@link #fail}), if within {@code timeout}. */
    public RuntimeError awaitFailure(Duration timeout) throws TimeoutException {
        return await(failure, timeout);
    }

    /** What happened, in order: {@code next}, {@code response}, {@code error}, {@code init-error}, ... */
    public synchronized List<String> lifecycle() {
        return List.copyOf(lifecycle);
    }

    /**
     * The environment failed for good (Lambda's error {@code type}, e.g. {@code Runtime.ExitError}, and {@code
     * message}): the invocation under way, those queued and every later one are answered with it. The first failure
     * stands.
     */
    public void fail(String type, String message) {
        if (failure.complete(RuntimeError.of(type, message))) {
            lifecycle("failed " + type);
        }
        RuntimeError error = failure.join();
        inFlight.values().forEach(pending -> pending.done().complete(failed(pending.requestId(), error)));
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /** How many times the runtime has asked for an invocation so far. */
    int nextCalls() {
        synchronized (progress) {
            return nextCalls;
        }
    }

    /**
     * Waits until the runtime asks for an invocation for the {@code (count + 1)}-th time (it is ready: init or
     * restore is over), the environment fails, or {@code timeout} passes; true only in the first case.
     */
    boolean awaitNextCall(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (nextCalls <= count && !failure.isDone()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
            return nextCalls > count;
        }
    }

    /** Waits until {@link #restore()} is called or {@code timeout} passes. */
    boolean awaitRestoreCall(Duration timeout) throws InterruptedException {
        return restored.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** When {@link #restore()} was called ({@link System#nanoTime()}); 0 before. */
    long restoreCalledNanos() {
        return restoreCalledNanos;
    }

    /** Waits until an invocation is queued (an on-demand environment whose init timed out starts again then). */
    void awaitInvocation() throws InterruptedException {
        synchronized (progress) {
            while (queue.isEmpty() && !failure.isDone()) {
                progress.wait(1_000);
            }
        }
    }

    /** Whether the runtime reported an init error. */
    boolean initFailed() {
        return initError.isDone();
    }

    /** Whether the environment has failed for good. */
    boolean failed() {
        return failure.isDone();
    }

    /** The request id of an invocation handed to the runtime and not answered yet, or null. */
    String invocationUnderWay() {
        return inFlight.values().stream().filter(p -> !queue.contains(p) && !finished.contains(p.requestId()))
                .map(Pending::requestId).findFirst().orElse(null);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private synchronized void lifecycle(String event) {
        lifecycle.add(event);
    }

    private Outcome failed(String requestId, RuntimeError error) {
        String message = error.errorMessage();
        if (error.type().startsWith("Runtime.") && message != null && !message.startsWith("RequestId:")) {
            return new Outcome(null, RuntimeError.of(error.type(), "RequestId: " + requestId + " Error: " + message));
        }
        return new Outcome(null, error);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String method = exchange.getRequestMethod();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String errorType = errorType(exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type"));
            if (method.equals("GET") && path.equals("invocation/next")) {
                next(exchange);
            } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/response")) {
                if (body.length > MAX_RESPONSE_BYTES) {
                    finish(exchange, path, new Outcome(null, RuntimeError.of("Function.ResponseSizeTooLarge",
                            "Response payload size (" + body.length + " bytes) exceeded maximum allowed payload size ("
                                    + MAX_RESPONSE_BYTES + " bytes).")), 413, "{\"errorMessage\":\"Exceeded maximum"
                            + " allowed payload size (" + MAX_RESPONSE_BYTES + " bytes).\",\"errorType\":"
                            + "\"RequestEntityTooLarge\"}");
                } else {
                    finish(exchange, path, new Outcome(body, null), 202, "{\"status\":\"OK\"}");
                }
            } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/error")) {
                finish(exchange, path, new Outcome(null, new RuntimeError(errorType, new String(body, UTF_8))), 202,
                        "{\"status\":\"OK\"}");
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
                // What Lambda's Invoke answers when an after-restore hook failed (its API error SnapStartException).
                fail("SnapStartException", "The afterRestore() runtime hook encountered an error. For more"
                        + " information, check the Amazon CloudWatch logs.");
            } else {
                respond(exchange, 404, "{\"errorMessage\":\"unknown runtime API path\"}");
            }
        }
    }

    /** The error type as Lambda passes it on: a valid {@code Runtime.*} or {@code Function.*}, else Unknown. */
    static String errorType(String header) {
        if (header != null && VALID_ERROR_TYPE.matcher(header).find()) {
            return header;
        }
        return header != null && header.startsWith("Function.") ? "Function.Unknown" : "Runtime.Unknown";
    }

    private void next(HttpExchange exchange) throws IOException {
        synchronized (progress) {
            nextCalls++;
            progress.notifyAll();
        }
        Pending pending;
        try {
            do {
                pending = queue.take();
            } while (pending.done().isDone()); // answered meanwhile (the environment failed, or it timed out)
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

    private void finish(HttpExchange exchange, String path, Outcome outcome, int status, String answer)
            throws IOException {
        String requestId = path.substring("invocation/".length(), path.lastIndexOf('/'));
        Pending pending = inFlight.get(requestId);
        if (pending == null && !finished.contains(requestId)) {
            respond(exchange, 400, "{\"errorMessage\":\"Invalid request ID\",\"errorType\":\"InvalidRequestID\"}");
            return;
        }
        if (!finished.add(requestId)) {
            respond(exchange, 403, "{\"errorMessage\":\"the invocation " + requestId + " is already over\","
                    + "\"errorType\":\"InvalidStateTransition\"}");
            return;
        }
        lifecycle(outcome.succeeded() ? "response" : "error");
        respond(exchange, status, answer);
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
