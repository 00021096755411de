package io.auditdrain.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP proxy on loopback between a client (the receiver's AWS SDK) and an AWS API (moto, say) that injects what a
 * network and a service do on a bad day, and records which access key signed each request and for which service.
 * S3 and SSM share the emulator's one endpoint, so the service of each request is read from its SigV4 credential
 * scope ({@code Credential=AKID/20260101/us-east-1/ssm/aws4_request}), and faults can hit one service and spare the
 * other. Faults hit the proxy, never the server behind it, so the server's data survives all of them.
 *
 * <p>For everything that passes through:
 * <ul>
 *   <li>{@link #delayResponses}: every answer waits this long (a slow service);</li>
 *   <li>{@link #refuseConnections}: new connections are accepted and closed at once, open ones are closed (the
 *       endpoint is away);</li>
 *   <li>{@link #loseResponses}: requests reach the API, which acts on them, but the client's connection is reset
 *       when the answer comes (a write that happened, though the client cannot know).</li>
 * </ul>
 * Per service, for its next request and a share of the following ones chosen at random ({@link #inject}), one of
 * the {@link Fault}s.
 *
 * <p>Each request goes to the API on a connection of its own, which the proxy closes after the answer; the client's
 * connection is kept alive as the client asks. A request with {@code Expect: 100-continue} is told to continue by
 * the proxy itself, which needs the whole request before it decides.
 */
public final class FaultProxy implements AutoCloseable {

    private static final Pattern CREDENTIAL = Pattern.compile(
            "Credential=([^/\\s,]{1,128})/[0-9]{8}/[a-z0-9-]+/([a-z0-9-]+)/aws4_request");

    /** What can happen to one request of a service. */
    public enum Fault {
        /** Forwarded; its answer waits (a latency above the client's deadline, when long enough). */
        DELAY,
        /** Forwarded whole, then the client's connection is reset before any answer: it may or may not have landed. */
        DROP_AFTER_SEND,
        /** The client's connection is reset once the request was sent; nothing reaches the API. */
        RESET,
        /** Forwarded and acted on, then answered 500 InternalError instead of the API's answer. */
        ANSWER_500,
        /** Answered 503 (S3's SlowDown, SSM's ServiceUnavailable) without reaching the API. */
        ANSWER_503,
        /**
         * Answered 409 ConditionalRequestConflict without reaching the API: what S3 answers a conditional write that
         * races another write of the same key ("retry the upload", says its documentation). moto never does.
         */
        ANSWER_409,
        /** The service is away: the connection is reset as soon as its request's headers are read. */
        AWAY
    }

    /** A request seen on its way to the API: the access key that signed it and the service it was for. */
    public record SignedRequest(String accessKeyId, String service) {
    }

    /** A service's fault; the first request after it was set always meets it, so that it is met at least once. */
    private record Rule(Fault fault, double share, Duration delay, AtomicBoolean firstPending) {
        Rule(Fault fault, double share, Duration delay) {
            this(fault, share, delay, new AtomicBoolean(true));
        }

        boolean hits() {
            return firstPending.getAndSet(false) || ThreadLocalRandom.current().nextDouble() < share;
        }
    }

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<SignedRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final Map<String, Rule> rules = new ConcurrentHashMap<>();
    private final Map<String, Map<Fault, AtomicLong>> injected = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> seen = new ConcurrentHashMap<>();
    private volatile Duration responseDelay = Duration.ZERO;
    private volatile boolean refuse;
    private volatile boolean loseResponses;

    private FaultProxy(ServerSocket server, InetSocketAddress upstream) {
        this.server = server;
        this.upstream = upstream;
    }

    /** Starts a proxy on a free loopback port in front of {@code target} (an http URL on loopback). */
    public static FaultProxy start(URI target) {
        try {
            ServerSocket server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
            FaultProxy proxy = new FaultProxy(server, new InetSocketAddress(target.getHost(), target.getPort()));
            proxy.threads.execute(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The proxy's own URL, to use as the client's endpoint. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    public FaultProxy delayResponses(Duration delay) {
        this.responseDelay = delay;
        return this;
    }

    public FaultProxy refuseConnections(boolean refuse) {
        this.refuse = refuse;
        if (refuse) {
            closeOpenConnections();
        }
        return this;
    }

    public FaultProxy loseResponses(boolean lose) {
        this.loseResponses = lose;
        return this;
    }

    /**
     * From now on, the next request signed for {@code service} ("s3", "ssm") and {@code share} (0 to 1) of the
     * following ones, chosen at random, meet {@code fault}; replaces that service's previous rule. For {@link
     * Fault#DELAY}, use {@link #inject(String, Duration, double)}.
     */
    public FaultProxy inject(String service, Fault fault, double share) {
        if (fault == Fault.DELAY) {
            throw new IllegalArgumentException("a delay needs its duration: inject(service, delay, share)");
        }
        rules.put(service, new Rule(fault, checkedShare(share), Duration.ZERO));
        return this;
    }

    /** The next request for {@code service} and {@code share} of the following ones are answered {@code delay} late. */
    public FaultProxy inject(String service, Duration delay, double share) {
        rules.put(service, new Rule(Fault.DELAY, checkedShare(share), delay));
        return this;
    }

    /** No more faults for {@code service}. */
    public FaultProxy spare(String service) {
        rules.remove(service);
        return this;
    }

    /** Back to a clean pass-through. */
    public FaultProxy heal() {
        responseDelay = Duration.ZERO;
        refuse = false;
        loseResponses = false;
        rules.clear();
        return this;
    }

    /** How many requests for {@code service} met {@code fault} so far. */
    public long injected(String service, Fault fault) {
        Map<Fault, AtomicLong> counts = injected.get(service);
        AtomicLong count = counts == null ? null : counts.get(fault);
        return count == null ? 0 : count.get();
    }

    /** How many requests for {@code service} arrived so far, with or without a fault. */
    public long seen(String service) {
        AtomicLong count = seen.get(service);
        return count == null ? 0 : count.get();
    }

    /** The access key id of every SigV4-signed request seen so far, in order. */
    public List<String> accessKeys() {
        return requests().stream().map(SignedRequest::accessKeyId).toList();
    }

    /** Every SigV4-signed request seen so far, in order. */
    public List<SignedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** How many signed requests for {@code service} (e.g. "ssm", "s3") were seen so far. */
    public long requestsTo(String service) {
        return requests().stream().filter(r -> r.service().equals(service)).count();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Connections closed at once, while {@link #refuseConnections} was on. */
    public long refused() {
        return refused.get();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        closeOpenConnections();
        threads.shutdownNow();
    }

    private static double checkedShare(double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("a share is between 0 and 1: " + share);
        }
        return share;
    }

    private void closeOpenConnections() {
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            connections.incrementAndGet();
            if (refuse) {
                refused.incrementAndGet();
                closeQuietly(client);
                continue;
            }
            open.add(client);
            threads.execute(() -> serve(client));
        }
    }

    /** Relays the requests of one client connection, one at a time, until either side ends it. */
    private void serve(Socket client) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream(), 16 * 1024);
            OutputStream out = new BufferedOutputStream(client.getOutputStream(), 16 * 1024);
            while (!refuse) {
                HttpMessage head = HttpMessage.readRequestHead(in);
                if (head == null) {
                    return;
                }
                String service = record(head);
                Rule rule = rules.get(service);
                Fault fault = rule != null && rule.hits() ? rule.fault() : null;
                if (fault != null) {
                    count(service, fault);
                }
                if (fault == Fault.AWAY) {
                    abort(client);
                    return;
                }
                if ("100-continue".equalsIgnoreCase(head.header("expect"))) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(ISO_8859_1));
                    out.flush();
                }
                HttpMessage request = head.withRequestBody(in);
                if (!relay(request, service, fault, rule, client, out)) {
                    return;
                }
            }
        } catch (IOException e) {
            // either side went away: the connection is done
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(client);
        }
    }

    /** Handles one request; false when the client's connection must end. */
    private boolean relay(HttpMessage request, String service, Fault fault, Rule rule, Socket client,
                          OutputStream out) throws IOException, InterruptedException {
        if (fault == Fault.RESET) {
            abort(client);
            return false;
        }
        if (fault == Fault.ANSWER_503 || fault == Fault.ANSWER_409) {
            answer(out, fault == Fault.ANSWER_503 ? 503 : 409, service);
            return true;
        }
        Socket api = new Socket();
        open.add(api);
        try {
            api.connect(upstream, 2_000);
            request.writeTo(new BufferedOutputStream(api.getOutputStream(), 16 * 1024));
            if (fault == Fault.DROP_AFTER_SEND) {
                abort(client);
                // The API finishes on its own; its answer is read and thrown away.
                threads.execute(() -> discardAnswer(api, request));
                return false;
            }
            HttpMessage response = HttpMessage.readResponse(new BufferedInputStream(api.getInputStream()), request);
            if (loseResponses) {
                abort(client);
                return false;
            }
            Duration delay = fault == Fault.DELAY ? rule.delay() : responseDelay;
            if (!delay.isZero()) {
                Thread.sleep(delay.toMillis());
            }
            if (fault == Fault.ANSWER_500) {
                answer(out, 500, service);
                return true;
            }
            response.writeTo(out);
            return !response.endsWithConnection() && !"close".equalsIgnoreCase(response.header("connection"));
        } finally {
            if (fault != Fault.DROP_AFTER_SEND) {
                closeQuietly(api);
                open.remove(api);
            }
        }
    }

    private void discardAnswer(Socket api, HttpMessage request) {
        try (api) {
            api.setSoTimeout(30_000);
            HttpMessage.readResponse(new BufferedInputStream(api.getInputStream()), request);
        } catch (IOException ignored) {
            // nobody waits for it
        } finally {
            open.remove(api);
        }
    }

    /** Notes the request's signing key and service; the service, or "" for an unsigned request. */
    private String record(HttpMessage request) {
        String authorization = request.header("authorization");
        String service = "";
        if (authorization != null) {
            Matcher m = CREDENTIAL.matcher(authorization);
            if (m.find()) {
                service = m.group(2);
                requests.add(new SignedRequest(m.group(1), service));
            }
        }
        seen.computeIfAbsent(service, s -> new AtomicLong()).incrementAndGet();
        return service;
    }

    private void count(String service, Fault fault) {
        injected.computeIfAbsent(service, s -> Collections.synchronizedMap(new EnumMap<>(Fault.class)))
                .computeIfAbsent(fault, f -> new AtomicLong()).incrementAndGet();
    }

    /** An error answer in the service's own protocol: S3's XML, JSON for the others (SSM's JSON 1.1). */
    private static void answer(OutputStream out, int status, String service) throws IOException {
        boolean s3 = service.equals("s3");
        String code = switch (status) {
            case 409 -> "ConditionalRequestConflict";
            case 503 -> s3 ? "SlowDown" : "ServiceUnavailable";
            default -> s3 ? "InternalError" : "InternalServerError";
        };
        String body = s3
                ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>injected by"
                        + " the fault proxy</Message><RequestId>FAULTPROXY</RequestId></Error>"
                : "{\"__type\":\"" + code + "\",\"message\":\"injected by the fault proxy\"}";
        byte[] bytes = body.getBytes(UTF_8);
        String reason = switch (status) {
            case 409 -> "Conflict";
            case 503 -> "Service Unavailable";
            default -> "Internal Server Error";
        };
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: " + (s3 ? "application/xml" : "application/x-amz-json-1.1") + "\r\n"
                + "Content-Length: " + bytes.length + "\r\n"
                + "x-amzn-RequestId: FAULTPROXY\r\n\r\n";
        out.write(head.getBytes(ISO_8859_1));
        out.write(bytes);
        out.flush();
    }

    /** Closes with RST rather than FIN, as a dropped connection looks to the client. */
    private static void abort(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // closing anyway
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public String toString() {
        return "FaultProxy[" + endpoint() + " -> " + upstream + ", rules " + rules + "]";
    }
}
