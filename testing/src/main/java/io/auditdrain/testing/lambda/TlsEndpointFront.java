package io.auditdrain.testing.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * AWS's production endpoint names, over TLS, on loopback: a function's JVM resolves the names its SDK's endpoint rules
 * pick ({@code <bucket>.s3.amazonaws.com}, {@code ssm.<region>.amazonaws.com}, {@code kms.<region>.amazonaws.com},
 * ...) to this front through {@code -Djdk.net.hosts.file}, and trusts its certificate, signed by the run's own {@link
 * TestCertificateAuthority}, through {@code -Djavax.net.ssl.trustStore}; nothing else of the function changes, and it
 * runs with no endpoint override at all. The front ends TLS and relays the bytes unchanged to an emulator (moto, or a
 * {@code FaultProxy} before it): the Host header, and so the SigV4 signature computed over it, arrive as the SDK sent
 * them, and moto reads a virtual-hosted bucket from the Host header as S3 does.
 *
 * <p>HTTPS needs port 443 (the SDK's endpoints carry no port), so the front listens on 443 of an address of its own
 * in 127.0.0.0/8, chosen at random: fronts of parallel test runs do not collide, and no port is fixed. Binding 443 needs
 * root; without it {@link #start} says so loudly, once, and returns nothing, and the caller falls back to an endpoint
 * override.
 */
public final class TlsEndpointFront implements AutoCloseable {

    private static final int HTTPS_PORT = 443;
    private static final int ADDRESS_ATTEMPTS = 20;
    private static Boolean available;

    /** One TLS handshake the front completed: the server name the client asked for (SNI), and when. */
    public record Handshake(String serverName, Instant completedAt) {
    }

    private final SSLServerSocket server;
    private final InetSocketAddress upstream;
    private final Path hostsFile;
    private final Path trustStore;
    private final List<Handshake> handshakes = Collections.synchronizedList(new ArrayList<>());
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tls-endpoint-front");
        t.setDaemon(true);
        return t;
    });

    private TlsEndpointFront(SSLServerSocket server, InetSocketAddress upstream, Path hostsFile, Path trustStore) {
        this.server = server;
        this.upstream = upstream;
        this.hostsFile = hostsFile;
        this.trustStore = trustStore;
    }

    /**
     * Starts a front answering for {@code hostNames} and relaying to {@code upstream} (an http URL on loopback), or
     * nothing where port 443 cannot be bound here (said loudly, once).
     */
    public static Optional<TlsEndpointFront> start(List<String> hostNames, URI upstream) {
        if (!available()) {
            return Optional.empty();
        }
        TestCertificateAuthority authority = TestCertificateAuthority.get();
        SSLServerSocket server;
        try {
            SSLContext context = serverContext(authority.serverStore(hostNames));
            server = bind(() -> (SSLServerSocket) context.getServerSocketFactory().createServerSocket());
        } catch (IOException e) {
            throw new IllegalStateException("port 443 was free on loopback a moment ago: " + e.getMessage(), e);
        }
        try {
            // Outside /tmp: each function has a /tmp of its own, and reads this file from here.
            Path hostsFile = Files.createTempFile(ExecutionSandbox.environmentsDirectory(), "hosts-", ".txt");
            StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n");
            for (String name : hostNames) {
                hosts.append(server.getInetAddress().getHostAddress()).append(' ').append(name).append('\n');
            }
            Files.writeString(hostsFile, hosts);
            TlsEndpointFront front = new TlsEndpointFront(server,
                    new InetSocketAddress(upstream.getHost(), upstream.getPort()), hostsFile, authority.trustStore());
            front.threads.execute(front::acceptLoop);
            return Optional.of(front);
        } catch (IOException e) {
            closeQuietly(server);
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The name of a bucket's virtual-hosted endpoint as the AWS SDKs' endpoint rules give it by default: S3 keeps its
     * legacy global name in us-east-1 (unless {@code AWS_S3_US_EAST_1_REGIONAL_ENDPOINT=regional}), the regional one
     * elsewhere. A function that resolved another name would find nothing in its hosts file and fail loudly.
     */
    public static String s3Host(String bucket, String region) {
        return bucket + (region.equals("us-east-1") ? ".s3.amazonaws.com" : ".s3." + region + ".amazonaws.com");
    }

    /** The regional endpoint name of a service such as {@code ssm} or {@code kms}. */
    public static String serviceHost(String service, String region) {
        return service + "." + region + ".amazonaws.com";
    }

    /** Whether port 443 can be bound on loopback here (checked once; said loudly when not). */
    public static synchronized boolean available() {
        if (available == null) {
            try (ServerSocket probe = bind(ServerSocket::new)) {
                available = true;
            } catch (IOException e) {
                available = false;
                HarnessNotice.loudly("tls", "functions reach AWS through an ENDPOINT OVERRIDE (AWS_ENDPOINT_URL,"
                        + " plain HTTP, path-style S3) instead of the production endpoint names over TLS: port 443"
                        + " cannot be bound on loopback here (" + e.getMessage() + "). Run as root to test the"
                        + " production path.");
            }
        }
        return available;
    }

    private static InetAddress randomLoopbackAddress() throws IOException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return InetAddress.getByAddress(new byte[] {127, (byte) random.nextInt(1, 255), (byte) random.nextInt(0, 256),
                (byte) random.nextInt(1, 255)});
    }

    private static SSLContext serverContext(Path keyStore) {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            KeyStore store = TestCertificateAuthority.load(keyStore);
            keys.init(store, TestCertificateAuthority.STORE_PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A socket of {@code unbound}'s on port 443 of a random loopback address; the last failure when none is free. */
    private static <S extends ServerSocket> S bind(UnboundSocket<S> unbound) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < ADDRESS_ATTEMPTS; attempt++) {
            S socket = unbound.create();
            try {
                socket.bind(new InetSocketAddress(randomLoopbackAddress(), HTTPS_PORT), 128);
                return socket;
            } catch (BindException e) {
                closeQuietly(socket);
                last = e;
            }
        }
        throw last;
    }

    private interface UnboundSocket<S extends ServerSocket> {
        S create() throws IOException;
    }

    /**
     * The JVM options that make a function use this front, to append to its {@code JAVA_TOOL_OPTIONS} (the way a
     * Lambda function passes options to the managed runtime's JVM).
     */
    public List<String> jvmOptions() {
        return List.of("-Djdk.net.hosts.file=" + hostsFile,
                "-Djavax.net.ssl.trustStore=" + trustStore,
                "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-Djavax.net.ssl.trustStorePassword=" + TestCertificateAuthority.STORE_PASSWORD);
    }

    /** The loopback address the names resolve to. */
    public InetAddress address() {
        return server.getInetAddress();
    }

    /** Every handshake completed so far, in order. */
    public List<Handshake> handshakes() {
        synchronized (handshakes) {
            return List.copyOf(handshakes);
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        open.forEach(TlsEndpointFront::closeQuietly);
        threads.shutdownNow();
        try {
            Files.deleteIfExists(hostsFile);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                threads.execute(() -> relay((SSLSocket) client));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Ends TLS with the client and copies bytes both ways to the upstream until either side is done. */
    private void relay(SSLSocket client) {
        Socket api = new Socket();
        try {
            client.setSoTimeout(0);
            client.startHandshake();
            handshakes.add(new Handshake(serverName(client), Instant.now()));
            open.add(api);
            api.connect(upstream, 2_000);
            threads.execute(() -> copy(api, client, true));
            copy(client, api, false);
        } catch (IOException e) {
            abort(client);
        } finally {
            open.remove(api);
        }
    }

    private static String serverName(SSLSocket socket) {
        if (socket.getSession() instanceof ExtendedSSLSession session) {
            for (SNIServerName name : session.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    return host.getAsciiName();
                }
            }
        }
        return "";
    }

    /**
     * Copies {@code from} to {@code to}. When {@code from} ends, {@code to} is closed; when it is reset (a fault the
     * upstream injected), the other side is reset too, so that the client sees what it would have seen.
     */
    private void copy(Socket from, Socket to, boolean fromUpstream) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
            closeQuietly(to);
        } catch (IOException e) {
            if (fromUpstream) {
                abort(to);
            } else {
                closeQuietly(to);
            }
        } finally {
            closeQuietly(from);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void abort(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // closing anyway
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public String toString() {
        return "TlsEndpointFront[" + address().getHostAddress() + ":443 -> " + upstream + "]";
    }
}
