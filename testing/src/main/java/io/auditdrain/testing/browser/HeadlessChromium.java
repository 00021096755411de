package io.auditdrain.testing.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless, driven over the Chrome DevTools Protocol with the JDK's own WebSocket client: a test
 * opens a local page as a person's browser would, runs script in it, collects what its console and network did, and
 * takes screenshots. No driver and no browser download: the browser is the one on the machine ({@code chromium} on
 * the PATH, or AUDITDRAIN_CHROMIUM), started with the flags that keep it offline and in a fresh profile.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();
    private final List<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();

    private HeadlessChromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** The browser this machine has, or null. */
    public static Path locate() {
        String configured = System.getenv("AUDITDRAIN_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : NAMES) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = dir.isEmpty() ? null : Path.of(dir, name);
                if (candidate != null && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    public static HeadlessChromium start() {
        Path browser = locate();
        if (browser == null) {
            throw new IllegalStateException("no Chromium on the PATH (" + String.join(", ", NAMES) + "): install it"
                    + " (Debian: apt-get install chromium; scripts/test does) or set AUDITDRAIN_CHROMIUM");
        }
        Path profile = null;
        Process process = null;
        try {
            profile = Files.createTempDirectory("auditdrain-chromium-");
            Path log = profile.resolve("chromium.log");
            process = new ProcessBuilder(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update", "--no-first-run",
                    "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--remote-debugging-port=0",
                    "about:blank").redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            List<String> lines = List.of();
            while (lines.size() < 2) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("Chromium did not open its DevTools port: "
                            + (Files.exists(log) ? Files.readString(log) : "no output"));
                }
                Thread.sleep(50);
                lines = Files.exists(portFile) ? Files.readAllLines(portFile) : List.of();
            }
            URI endpoint = URI.create("ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip());
            Receiver receiver = new Receiver();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(endpoint, receiver).get(30, TimeUnit.SECONDS);
            HeadlessChromium chromium = new HeadlessChromium(process, profile, socket);
            receiver.owner = chromium;
            return chromium;
        } catch (Exception e) {
            if (process != null) {
                process.destroyForcibly();
            }
            delete(profile);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException("could not start Chromium", e);
        }
    }

    /** Opens {@code file} in a new tab of {@code width} by {@code height} CSS pixels and waits for its load event. */
    public Page open(Path file, int width, int height) {
        String target = call("Target.createTarget", null, Map.of("url", "about:blank")).get("targetId").asText();
        String session = call("Target.attachToTarget", null, Map.of("targetId", target, "flatten", true))
                .get("sessionId").asText();
        Page page = new Page(session);
        listeners.add(page::event);
        for (String domain : List.of("Page", "Runtime", "Log", "Network")) {
            call(domain + ".enable", session, Map.of());
        }
        page.size(width, height);
        CompletableFuture<JsonNode> loaded = page.next("Page.loadEventFired");
        call("Page.navigate", session, Map.of("url", file.toAbsolutePath().toUri().toString()));
        await(loaded, "the page's load event");
        return page;
    }

    /** One tab: script, console, network and screenshots. */
    public final class Page {
        private final String session;
        private final List<String> errors = new CopyOnWriteArrayList<>();
        private final List<String> requests = new CopyOnWriteArrayList<>();
        private final Map<String, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
        private int width;

        private Page(String session) {
            this.session = session;
        }

        private void event(JsonNode message) {
            if (!session.equals(message.path("sessionId").asText())) {
                return;
            }
            String method = message.path("method").asText();
            JsonNode params = message.path("params");
            switch (method) {
                case "Runtime.consoleAPICalled" -> {
                    String type = params.path("type").asText();
                    if (type.equals("error") || type.equals("assert") || type.equals("warning")) {
                        errors.add("console." + type + ": " + params.path("args").toString());
                    }
                }
                case "Runtime.exceptionThrown" -> errors.add("exception: " + params.path("exceptionDetails"));
                case "Log.entryAdded" -> {
                    String level = params.path("entry").path("level").asText();
                    if (level.equals("error") || level.equals("warning")) {
                        errors.add("log." + level + ": " + params.path("entry").path("text").asText() + " "
                                + params.path("entry").path("url").asText());
                    }
                }
                case "Network.requestWillBeSent" -> requests.add(params.path("request").path("url").asText());
                case "Network.loadingFailed" -> errors.add("load failed: " + params);
                default -> {
                }
            }
            CompletableFuture<JsonNode> w = waiting.remove(method);
            if (w != null) {
                w.complete(params);
            }
        }

        private CompletableFuture<JsonNode> next(String method) {
            return waiting.computeIfAbsent(method, m -> new CompletableFuture<>());
        }

        private void size(int w, int h) {
            this.width = w;
            call("Emulation.setDeviceMetricsOverride", session, Map.of("width", w, "height", h,
                    "deviceScaleFactor", 1, "mobile", false));
        }

        /** Evaluates a JavaScript expression in the page; its value, by value (promises awaited). */
        public JsonNode evaluate(String expression) {
            JsonNode result = call("Runtime.evaluate", session, Map.of("expression", expression, "returnByValue", true,
                    "awaitPromise", true));
            if (result.has("exceptionDetails")) {
                throw new IllegalStateException("the page's script failed: " + result.get("exceptionDetails"));
            }
            return result.path("result").path("value");
        }

        /** Everything the page's console, log and network reported as an error or warning, so far. */
        public List<String> errors() {
            return List.copyOf(errors);
        }

        /** Every URL the page requested, so far (the page itself first). */
        public List<String> requests() {
            return List.copyOf(requests);
        }

        /** A PNG of the page's top {@code height} pixels, or of the whole page when {@code height} is 0. */
        public void screenshot(Path png, int height) {
            int h = height;
            if (h == 0) {
                h = (int) Math.ceil(call("Page.getLayoutMetrics", session, Map.of()).path("cssContentSize")
                        .path("height").asDouble());
            }
            ObjectNode clip = JSON.createObjectNode().put("x", 0).put("y", 0).put("width", width).put("height", h)
                    .put("scale", 1);
            JsonNode shot = call("Page.captureScreenshot", session, Map.of("format", "png",
                    "captureBeyondViewport", true, "clip", clip));
            try {
                Files.createDirectories(png.toAbsolutePath().getParent());
                Files.write(png, Base64.getDecoder().decode(shot.get("data").asText()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private JsonNode call(String method, String session, Map<String, ?> params) {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        if (session != null) {
            message.put("sessionId", session);
        }
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        calls.put(id, reply);
        synchronized (socket) {
            socket.sendText(message.toString(), true).join();
        }
        JsonNode answer = await(reply, method);
        if (answer.has("error")) {
            throw new IllegalStateException(method + " failed: " + answer.get("error"));
        }
        return answer.path("result");
    }

    private static JsonNode await(CompletableFuture<JsonNode> future, String what) {
        try {
            return future.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        } catch (Exception e) {
            throw new IllegalStateException("no answer from Chromium for " + what + " within " + CALL_TIMEOUT, e);
        }
    }

    private void receive(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            return;
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> reply = calls.remove(message.get("id").asInt());
            if (reply != null) {
                reply.complete(message);
            }
        } else {
            listeners.forEach(l -> l.accept(message));
        }
    }

    /** Joins a message's frames and hands it over. */
    private static final class Receiver implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private volatile HeadlessChromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                if (owner != null) {
                    owner.receive(message);
                }
            }
            webSocket.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the process goes anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        delete(profile);
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp profile left behind is harmless
        }
    }
}
