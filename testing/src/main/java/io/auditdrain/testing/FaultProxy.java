package io.auditdrain.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy on loopback between a client and an HTTP API (moto, say) that injects what a network and a service do
 * on a bad day, and records which AWS access key signed each request (from the SigV4 {@code Authorization} header).
 *
 * <p>Faults, set and cleared while traffic flows:
 * <ul>
 *   <li>{@link #delayResponses}: every chunk from the API to the client waits this long (a slow service);</li>
 *   <li>{@link #refuseConnections}: new connections are accepted and closed at once (the service is away);</li>
 *   <li>{@link #loseResponses}: requests reach the API, which acts on them, but the client's connection is reset
 *       when the answer comes (a write that happened, though the client cannot know).</li>
 * </ul>
 */
public final class FaultProxy implements AutoCloseable {

    private static final Pattern CREDENTIAL = Pattern.compile(
            "Credential=([A-Z0-9]{16,128})/[0-9]{8}/[a-z0-9-]+/([a-z0-9-]+)/aws4_request");

    /** A request seen on its way to the API: the access key that signed it and the service it was for. */
    public record SignedRequest(String accessKeyId, String service) {
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
            ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
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

    /** Back to a clean pass-through. */
    public FaultProxy heal() {
        responseDelay = Duration.ZERO;
        refuse = false;
        loseResponses = false;
        return this;
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
                closeQuietly(client);
                continue;
            }
            threads.execute(() -> relay(client));
        }
    }

    private void relay(Socket client) {
        Socket service = new Socket();
        open.add(client);
        open.add(service);
        try {
            service.connect(upstream, 2_000);
            threads.execute(() -> pump(service, client, false));
            pump(client, service, true);
        } catch (IOException e) {
            closeQuietly(client);
        } finally {
            open.remove(client);
        }
    }

    /** Copies one direction until either side closes; requests are scanned for the signing key. */
    private void pump(Socket from, Socket to, boolean request) {
        byte[] buffer = new byte[16 * 1024];
        String carry = "";
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (request) {
                    String text = carry + new String(buffer, 0, n, ISO_8859_1);
                    Matcher m = CREDENTIAL.matcher(text);
                    int end = 0;
                    while (m.find()) {
                        requests.add(new SignedRequest(m.group(1), m.group(2)));
                        end = m.end();
                    }
                    // Keep a tail so that a header split between two reads is still found.
                    String rest = text.substring(end);
                    carry = rest.length() > 256 ? rest.substring(rest.length() - 256) : rest;
                    out.write(buffer, 0, n);
                    out.flush();
                } else {
                    if (loseResponses) {
                        abort(to);
                        return;
                    }
                    Duration delay = responseDelay;
                    if (!delay.isZero()) {
                        Thread.sleep(delay.toMillis());
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException | InterruptedException e) {
            // one side went away: close both below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
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
}
