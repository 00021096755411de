package io.auditdrain.emulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A drain on loopback (the JDK's HTTP server) that answers each request with the next scripted answer (200 once the
 * script is used up) and records what it received.
 */
final class ScriptedDrain implements AutoCloseable {

    /** One answer: a status, after an optional delay (longer than the sender's timeout to make it time out). */
    record Answer(int status, Duration delay) {
        static Answer status(int status) {
            return new Answer(status, Duration.ZERO);
        }
    }

    /** One received request. */
    record Received(String method, String path, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<Received> received = new ArrayList<>();

    private ScriptedDrain(HttpServer server) {
        this.server = server;
    }

    static ScriptedDrain start(Answer... answers) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        ScriptedDrain drain = new ScriptedDrain(server);
        drain.script.addAll(List.of(answers));
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "scripted-drain");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", drain::serve);
        server.start();
        return drain;
    }

    /** The drain URL with these credentials. */
    String url(String user, String password) {
        return "http://" + user + ":" + password + "@127.0.0.1:" + server.getAddress().getPort() + "/logs";
    }

    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
            byte[] body = exchange.getRequestBody().readAllBytes();
            Answer answer;
            synchronized (this) {
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers,
                        body));
                answer = script.isEmpty() ? Answer.status(200) : script.removeFirst();
            }
            if (!answer.delay().isZero()) {
                try {
                    Thread.sleep(answer.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            exchange.sendResponseHeaders(answer.status(), -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
