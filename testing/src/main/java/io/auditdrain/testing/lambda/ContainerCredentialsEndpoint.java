package io.auditdrain.testing.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The credentials endpoint a SnapStart execution environment gets instead of access keys in its environment
 * ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI} with {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}): a GET with the token
 * in {@code Authorization} returns the role's current temporary credentials as JSON. A request without the right
 * token gets 401 and nothing else.
 */
public final class ContainerCredentialsEndpoint implements AutoCloseable {

    private static final String PATH = "/2021-04-23/credentials";

    /** Temporary credentials as the endpoint serves them. */
    public record Credentials(String accessKeyId, String secretAccessKey, String sessionToken, Instant expiration) {
        @Override
        public String toString() {
            return "Credentials[" + accessKeyId + ", expires " + expiration + "]";
        }
    }

    private final HttpServer server;
    private final String token;
    private final Supplier<Credentials> issuer;
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile Credentials current;

    private ContainerCredentialsEndpoint(HttpServer server, String token, Supplier<Credentials> issuer) {
        this.server = server;
        this.token = token;
        this.issuer = issuer;
    }

    /**
     * Starts the endpoint on a free loopback port.
     *
     * @param issuer called for fresh credentials whenever the current ones are missing or expired, or after
     *               {@link #rotate()}
     */
    public static ContainerCredentialsEndpoint start(Supplier<Credentials> issuer) {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            ContainerCredentialsEndpoint endpoint = new ContainerCredentialsEndpoint(server,
                    HexFormat.of().formatHex(random), issuer);
            server.createContext(PATH, endpoint::serve);
            server.start();
            return endpoint;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}. */
    public String fullUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}. */
    public String authorizationToken() {
        return token;
    }

    /** Replaces the current credentials now, as a new role session would. */
    public synchronized Credentials rotate() {
        current = issuer.get();
        return current;
    }

    /** The credentials served last (null before the first request). */
    public Credentials current() {
        return current;
    }

    /** Requests answered with credentials. */
    public int served() {
        return served.get();
    }

    /** Requests refused for a missing or wrong token. */
    public int refused() {
        return refused.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            if (!token.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                refused.incrementAndGet();
                send(exchange, 401, "{\"message\":\"invalid authorization token\"}");
                return;
            }
            Credentials credentials = valid();
            served.incrementAndGet();
            send(exchange, 200, "{\"AccessKeyId\":\"" + credentials.accessKeyId() + "\",\"SecretAccessKey\":\""
                    + credentials.secretAccessKey() + "\",\"Token\":\"" + credentials.sessionToken()
                    + "\",\"Expiration\":\"" + credentials.expiration() + "\"}");
        }
    }

    private synchronized Credentials valid() {
        if (current == null || !Instant.now().isBefore(current.expiration())) {
            current = issuer.get();
        }
        return current;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
