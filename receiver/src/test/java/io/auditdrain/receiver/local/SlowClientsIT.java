package io.auditdrain.receiver.local;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.receiver.Drains;
import io.auditdrain.receiver.Receiver;
import io.auditdrain.receiver.config.ReceiverConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow and idle clients (slowloris on headers and on bodies, hundreds of idle sockets) must not starve the senders
 * that matter, and must themselves be cut off within bounds. A server with 8 workers, fewer than the slow clients
 * of each kind, so that a slow client holding a worker would show.
 */
class SlowClientsIT {

    private static final String SECRET = "c2xvdy1jbGllbnRzLXRlc3Qtc2VjcmV0LTEyMzQ1Njc4";

    @TempDir
    Path dir;

    private LocalServer server;
    private Receiver receiver;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final List<Socket> attackers = new ArrayList<>();
    private final ExecutorService trickle = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "slow-client");
        t.setDaemon(true);
        return t;
    });

    @BeforeEach
    void start() throws IOException {
        Path credentials = dir.resolve("credentials.properties");
        Files.writeString(credentials, "my-app=" + SECRET + "\n");
        receiver = Receiver.create(ReceiverConfig.fromEnvironment(Map.of(
                "AUDITDRAIN_STORE", "file:" + Files.createDirectories(dir.resolve("store")),
                "AUDITDRAIN_CREDENTIALS", "file:" + credentials)), Map.of(),
                new PrintStream(log, true, UTF_8));
        server = LocalServer.start(receiver.handler(), "127.0.0.1", 0, 8);
    }

    @AfterEach
    void stop() {
        trickle.shutdownNow();
        for (Socket s : attackers) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        server.close();
        receiver.close();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        attackers.add(socket);
        return socket;
    }

    /** Sends {@code text} one byte per second on a new connection until the connection is closed. */
    private Future<Long> trickle(String text) throws IOException {
        return trickle("", text);
    }

    /** Sends {@code fast} at once, then {@code slow} one byte per second, until the server closes the connection. */
    private Future<Long> trickle(String fast, String slow) throws IOException {
        Socket socket = connect();
        return trickle.submit(() -> {
            long started = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            try {
                out.write(fast.getBytes(US_ASCII));
                out.flush();
                for (byte b : slow.getBytes(US_ASCII)) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(1_000);
                }
                // everything sent: wait for the server to close or answer
                socket.setSoTimeout(60_000);
                InputStream in = socket.getInputStream();
                while (in.read() >= 0) {
                    // drain
                }
            } catch (IOException e) {
                // closed by the server: what we wait for
            }
            return (System.nanoTime() - started) / 1_000_000;
        });
    }

    /** Eight times the server's workers: if a trickled header or body held a worker, no valid sender would get one. */
    private static final int SLOW_CLIENTS = 64;

    @Test
    void valid_senders_are_answered_while_slow_and_idle_clients_hold_connections() throws Exception {
        for (int i = 0; i < SLOW_CLIENTS; i++) {
            trickle("POST /logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/logplex-1\r\nContent-Length: 10\r\n");
        }
        for (int i = 0; i < SLOW_CLIENTS; i++) {
            trickle("POST /logs HTTP/1.1\r\nHost: x\r\nAuthorization: " + Drains.basic("my-app", SECRET)
                    + "\r\nContent-Length: 100000\r\n\r\n", "x".repeat(1000));
        }
        for (int i = 0; i < 200; i++) {
            connect();
        }
        // Within the bodies' deadline (4 s from their headers), while every trickled body is still arriving.
        Thread.sleep(1_000);

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI url = URI.create("http://127.0.0.1:" + server.port() + "/logs");
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String message = "<190>1 2026-11-26T10:00:" + String.format("%02d", i) + ".000001+00:00 host app web.1 - n=" + i;
            long started = System.nanoTime();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url)
                    .header("Authorization", Drains.basic("my-app", SECRET))
                    .header("Content-Type", "application/logplex-1")
                    .timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofString((message.length() + 1) + " " + message + "\n"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            latencies.add((System.nanoTime() - started) / 1_000_000);
            assertEquals(200, response.statusCode());
        }
        assertTrue(latencies.stream().allMatch(ms -> ms < 1_000), "valid senders waited: " + latencies);
    }

    @Test
    void headers_trickled_one_byte_a_second_are_cut_off_at_the_header_deadline() throws Exception {
        Future<Long> cutAfter = trickle("POST /logs HTTP/1.1\r\nHost: x\r\n" + "X-Padding: " + "y".repeat(200) + "\r\n");
        long millis = cutAfter.get(40, TimeUnit.SECONDS);
        assertTrue(millis >= LocalServer.HEADER_DEADLINE.toMillis() - 1_000
                        && millis < LocalServer.HEADER_DEADLINE.toMillis() + 5_000,
                "closed after " + millis + " ms");
    }

    @Test
    void a_body_still_arriving_at_the_request_deadline_is_cut_off_with_one_log_line_and_no_server_warning()
            throws Exception {
        // Jetty logs through slf4j-simple to whatever System.err is at the time of the call.
        PrintStream stderr = System.err;
        ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
        System.setErr(new PrintStream(serverLog, true, UTF_8));
        long millis;
        try {
            Future<Long> cutAfter = trickle("POST /logs HTTP/1.1\r\nHost: x\r\nAuthorization: "
                    + Drains.basic("my-app", SECRET) + "\r\nContent-Length: 100000\r\n\r\n", "x".repeat(200));
            millis = cutAfter.get(60, TimeUnit.SECONDS);
            Thread.sleep(500); // anything Jetty logs about the closed connection
        } finally {
            System.setErr(stderr);
        }
        assertTrue(millis < 40_000, "a 1 byte/s body held its connection for " + millis + " ms");
        List<String> lines = log.toString(UTF_8).lines().toList();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("\"status\":0"), lines.get(0));
        assertEquals("", serverLog.toString(UTF_8), "the request log line says it all");
    }

    @Test
    void a_body_cut_off_by_its_client_and_a_body_too_large_each_leave_one_log_line() throws Exception {
        try (Socket cut = connect()) {
            cut.getOutputStream().write(("POST /logs HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
                    + "58 <190>1 2026").getBytes(US_ASCII));
            cut.getOutputStream().flush();
        }
        try (Socket large = connect()) {
            int size = io.auditdrain.receiver.ingest.DrainRequestHandler.MAX_BODY_BYTES + 1;
            large.getOutputStream().write(("POST /logs HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n")
                    .getBytes(US_ASCII));
            large.getOutputStream().write(new byte[size]);
            large.getOutputStream().flush();
            large.setSoTimeout(10_000);
            assertTrue(new String(large.getInputStream().readNBytes(12), US_ASCII).startsWith("HTTP/1.1 413"));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (log.toString(UTF_8).lines().count() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        List<String> lines = log.toString(UTF_8).lines().toList();
        assertEquals(2, lines.size(), log.toString(UTF_8));
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"status\":0") && l.contains("no answer sent")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"status\":413")), lines.toString());
    }

    /** A Logplex body of exactly {@code size} bytes: one frame. */
    private static String bodyOf(int size) {
        String head = "<190>1 2026-11-26T10:00:00.000001+00:00 host app web.1 - ";
        for (int digits = 1; digits < 8; digits++) {
            int message = size - digits - 1;
            if (Integer.toString(message).length() == digits) {
                return message + " " + head + "x".repeat(message - head.length());
            }
        }
        throw new IllegalArgumentException("size " + size);
    }

    @Test
    void a_body_beyond_the_memory_budget_waits_unread_and_is_stored_once_another_body_is_done() throws Exception {
        try (LocalServer small = LocalServer.start(receiver.handler(), "127.0.0.1", 0, 8, 150_000)) {
            String first = bodyOf(100_000);
            Socket holder = new Socket(InetAddress.getLoopbackAddress(), small.port());
            attackers.add(holder);
            OutputStream out = holder.getOutputStream();
            out.write(("POST /logs HTTP/1.1\r\nHost: x\r\nAuthorization: " + Drains.basic("my-app", SECRET)
                    + "\r\nContent-Type: application/logplex-1\r\nContent-Length: 100000\r\n\r\n"
                    + first.substring(0, 50_000)).getBytes(US_ASCII));
            out.flush();
            Thread.sleep(300); // the first body has reserved its 100,000 bytes

            HttpClient http = HttpClient.newHttpClient();
            var second = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + small.port() + "/logs"))
                    .header("Authorization", Drains.basic("my-app", SECRET))
                    .header("Content-Type", "application/logplex-1")
                    .POST(HttpRequest.BodyPublishers.ofString(bodyOf(60_000).replace("web.1", "web.2")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(500);
            assertFalse(second.isDone(), "60,000 more bytes do not fit beside 100,000 in 150,000: the body waits");

            out.write(first.substring(50_000).getBytes(US_ASCII));
            out.flush();
            holder.setSoTimeout(5_000);
            assertTrue(new String(holder.getInputStream().readNBytes(12), US_ASCII).startsWith("HTTP/1.1 200"));
            assertEquals(200, second.get(5, TimeUnit.SECONDS).statusCode());
        }
        try (var objects = Files.walk(dir.resolve("store/logs/my-app"))) {
            assertEquals(2, objects.filter(p -> p.toString().endsWith(".gz")).count(), "both bodies are stored");
        }
    }
}
