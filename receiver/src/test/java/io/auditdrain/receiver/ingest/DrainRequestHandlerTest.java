package io.auditdrain.receiver.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.auditdrain.core.GzipDecoder;
import io.auditdrain.core.LineCodec;
import io.auditdrain.core.GzipEncoder;
import io.auditdrain.receiver.Drains;
import io.auditdrain.receiver.auth.CredentialCache;
import io.auditdrain.receiver.auth.CredentialSource;
import io.auditdrain.receiver.auth.LookupBudget;
import io.auditdrain.receiver.auth.CredentialStoreException;
import io.auditdrain.receiver.auth.DrainAuthenticator;
import io.auditdrain.receiver.auth.PropertiesFileCredentialSource;
import io.auditdrain.receiver.store.DirectoryObjectStore;
import io.auditdrain.receiver.store.ObjectStore;
import io.auditdrain.receiver.telemetry.RequestLog;
import io.auditdrain.testing.LogplexFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrainRequestHandlerTest {

    private static final String SECRET = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5";

    @TempDir
    Path dir;

    private Path store;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private DrainRequestHandler handler;

    @BeforeEach
    void setUp() throws IOException {
        store = dir.resolve("store");
        Path credentials = dir.resolve("credentials.properties");
        Files.writeString(credentials, "my-app=" + SECRET + "\nother-app=other-secret\n");
        handler = handlerWith(new DirectoryObjectStore(store),
                cache(new PropertiesFileCredentialSource(credentials)));
    }

    private static CredentialCache cache(CredentialSource source) {
        return new CredentialCache(source, Duration.ofSeconds(60), Duration.ZERO, LookupBudget.standard());
    }

    private DrainRequestHandler handlerWith(ObjectStore objectStore, CredentialCache cache) {
        return handlerWith(objectStore, cache, Readiness.assumed());
    }

    private DrainRequestHandler handlerWith(ObjectStore objectStore, CredentialCache cache, Readiness readiness) {
        BatchEncoder encoder = new BatchEncoder(6);
        RequestLog log = new RequestLog(new PrintStream(logBytes, true, UTF_8), "AuditDrain", () -> 1_000L);
        return new DrainRequestHandler(new DrainAuthenticator(cache), objectStore, () -> encoder, log, "/health",
                readiness);
    }

    @Test
    void health_answers_200_without_credentials_and_stores_nothing() throws IOException {
        assertEquals(200, handler.handle(request("GET", "/health", Map.of(), new byte[0])).status());
        assertEquals(200, handler.handle(request("HEAD", "/health", Map.of(), new byte[0])).status());
        assertEquals(0, storedFiles().size());
        assertTrue(log().contains("\"event\":\"health_check\""), log());
        assertTrue(!log().contains("\"Requests\""), "a health check is no drain request in the metrics: " + log());
    }

    @Test
    void health_answers_503_when_a_batch_could_not_be_stored_and_checks_at_most_every_30_seconds() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("not-a-directory"), "x");
        DirectoryObjectStore broken = new DirectoryObjectStore(notADirectory);
        AtomicLong now = new AtomicLong();
        int[] probes = new int[1];
        Readiness readiness = new Readiness(deadline -> {
            probes[0]++;
            broken.probe(deadline);
        }, deadline -> { }, now::get);
        DrainRequestHandler unready = handlerWith(broken, cache(new PropertiesFileCredentialSource(
                dir.resolve("credentials.properties"))), readiness);
        DrainResponse response = unready.handle(request("GET", "/health", Map.of(), new byte[0]));
        assertEquals(503, response.status(), "every POST would get 503: the health path must say so");
        assertTrue(!response.body().contains(notADirectory.toString()), "the public answer names no internals");
        assertTrue(log().contains("cannot write in"), "the log says why: " + log());
        unready.handle(request("GET", "/health", Map.of(), new byte[0]));
        assertEquals(1, probes[0]);
        now.addAndGet(Duration.ofSeconds(31).toNanos());
        unready.handle(request("GET", "/health", Map.of(), new byte[0]));
        assertEquals(2, probes[0]);
    }

    private static byte[] gzip(byte[] bytes, int level) {
        try (GzipEncoder encoder = new GzipEncoder(level)) {
            return encoder.encode(bytes);
        }
    }

    @Test
    void a_gzip_or_deflate_body_is_decoded_before_framing() throws IOException {
        byte[] body = LogplexFixtures.body("logplex-readme-http-drain-request.txt");
        Map<String, String> gzipped = new HashMap<>(headers(auth("my-app", SECRET)));
        gzipped.put("content-encoding", "gzip");
        assertEquals(200, handler.handle(new DrainRequest("POST", "/logs", gzipped, gzip(body, 6)))
                .status());
        Map<String, String> deflated = new HashMap<>(headers(auth("my-app", SECRET)));
        deflated.put("content-encoding", "deflate");
        byte[] otherBody = LogplexFixtures.body("devcenter-log-drains-https-example-body.txt");
        java.io.ByteArrayOutputStream zlib = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.DeflaterOutputStream(zlib)) {
            out.write(otherBody);
        }
        assertEquals(200, handler.handle(new DrainRequest("POST", "/logs", deflated, zlib.toByteArray())).status());
        List<List<String>> stored = new ArrayList<>();
        for (Path file : storedFiles()) {
            stored.add(LineCodec.decodeAllUtf8(GzipDecoder.decode(Files.readAllBytes(file))));
        }
        assertTrue(stored.contains(Drains.expectedMessages(body)), stored.toString());
        assertTrue(stored.contains(Drains.expectedMessages(otherBody)), stored.toString());
        assertTrue(log().contains("\"MalformedFrames\":0"), log());
    }

    @Test
    void a_body_that_cannot_be_decoded_is_stored_as_received_and_counted() throws IOException {
        Map<String, String> headers = new HashMap<>(headers(auth("my-app", SECRET)));
        headers.put("content-encoding", "gzip");
        byte[] notGzip = "42 <190>1 2026-11-26T10:00:00+00:00 host app web.1 - hi\n".getBytes(UTF_8);
        assertEquals(200, handler.handle(new DrainRequest("POST", "/logs", headers, notGzip)).status());
        assertEquals(1, storedFiles().size());
        assertTrue(log().contains("\"UndecodableBodies\":1"), log());
        assertTrue(log().contains("could not be decoded"), log());
        headers.put("content-encoding", "br");
        assertEquals(200, handler.handle(new DrainRequest("POST", "/other", headers,
                "0123456789 compressed somehow".getBytes(UTF_8))).status());
        assertTrue(log().contains("unsupported Content-Encoding: br"), log());
    }

    @Test
    void a_body_that_expands_beyond_the_bound_is_stored_as_received() throws IOException {
        Map<String, String> headers = new HashMap<>(headers(auth("my-app", SECRET)));
        headers.put("content-encoding", "gzip");
        byte[] bomb = gzip(new byte[ContentDecoding.MAX_DECODED_BYTES + 1], 9);
        assertTrue(bomb.length < 200_000);
        assertEquals(200, handler.handle(new DrainRequest("POST", "/logs", headers, bomb)).status());
        assertTrue(log().contains("decodes to more than"), log());
        assertEquals(1, storedFiles().size(), "the compressed body itself is kept");
    }

    @Test
    void refusals_and_abandoned_requests_each_leave_one_log_line() {
        handler.refuseTooLarge("POST", Map.of("logplex-frame-id", "09C557EAFCFB6CF2740EE62F62971098"), 7_000_000);
        handler.abandoned("POST", Map.of(), 1_234, "EofException: early EOF", System.nanoTime());
        List<String> lines = log().lines().toList();
        assertEquals(2, lines.size(), log());
        assertTrue(lines.get(0).contains("\"status\":413") && lines.get(0).contains("09C557EAFCFB6CF2740EE62F62971098"));
        assertTrue(lines.get(1).contains("\"status\":0") && lines.get(1).contains("early EOF")
                && lines.get(1).contains("\"level\":\"ERROR\""), lines.get(1));
    }

    @Test
    void a_valid_batch_is_stored_before_the_200() throws IOException {
        byte[] body = LogplexFixtures.body("logplex-readme-http-drain-request.txt");
        DrainResponse response = handler.handle(post(body, auth("my-app", SECRET)));
        assertEquals(200, response.status());
        List<Path> files = storedFiles();
        assertEquals(1, files.size());
        assertTrue(store.relativize(files.get(0)).toString().startsWith("logs/my-app/2012/07/22/"));
        List<String> lines = LineCodec.decodeAllUtf8(GzipDecoder.decode(Files.readAllBytes(files.get(0))));
        assertEquals(10, lines.size());
    }

    @Test
    void any_path_is_accepted_for_posts_so_a_mistyped_drain_path_loses_nothing() throws IOException {
        DrainRequest request = new DrainRequest("POST", "/somewhere/else", headers(auth("my-app", SECRET)),
                LogplexFixtures.body("devcenter-log-drains-https-example-body.txt"));
        assertEquals(200, handler.handle(request).status());
        assertEquals(1, storedFiles().size());
    }

    @Test
    void wrong_missing_or_foreign_credentials_get_401_and_nothing_is_stored() throws IOException {
        byte[] body = LogplexFixtures.body("devcenter-log-drains-https-example-body.txt");
        assertEquals(401, handler.handle(post(body, auth("my-app", "wrong"))).status());
        assertEquals(401, handler.handle(post(body, null)).status());
        assertEquals(401, handler.handle(post(body, auth("other-app", SECRET))).status());
        assertEquals(401, handler.handle(post(body, auth("my-app", "other-secret"))).status());
        DrainResponse response = handler.handle(post(body, auth("unknown-app", SECRET)));
        assertEquals(401, response.status());
        assertEquals("Basic realm=\"auditdrain\"", response.headers().get("www-authenticate"));
        assertEquals(0, storedFiles().size());
    }

    @Test
    void malformed_content_is_stored_not_refused() throws IOException {
        byte[] body = "this is not logplex at all\n\u0000\u0001 binary".getBytes(UTF_8);
        assertEquals(200, handler.handle(post(body, auth("my-app", SECRET))).status());
        assertEquals(1, storedFiles().size());
        assertTrue(log().contains("\"MalformedFrames\":1"), log());
    }

    @Test
    void a_body_above_the_lambda_limit_is_the_only_content_refused() {
        byte[] body = new byte[DrainRequestHandler.MAX_BODY_BYTES + 1];
        assertEquals(413, handler.handle(post(body, auth("my-app", SECRET))).status());
    }

    @Test
    void methods_other_than_post_get_405() {
        assertEquals(405, handler.handle(request("PUT", "/logs", headers(auth("my-app", SECRET)), new byte[0])).status());
        assertEquals(405, handler.handle(request("GET", "/logs", Map.of(), new byte[0])).status());
    }

    @Test
    void an_unreadable_credential_store_answers_503_so_that_logplex_retries() throws IOException {
        DrainRequestHandler failing = handlerWith(new DirectoryObjectStore(store), cache((app, deadline) -> {
            throw new CredentialStoreException("SSM unreachable", null);
        }));
        DrainResponse response = failing.handle(post(LogplexFixtures.body("devcenter-log-drains-https-example-body.txt"),
                auth("my-app", SECRET)));
        assertEquals(503, response.status());
        assertEquals(0, storedFiles().size());
    }

    @Test
    void an_unwritable_store_answers_503_so_that_logplex_retries() throws IOException {
        Path notADirectory = dir.resolve("file");
        Files.writeString(notADirectory, "x");
        DrainRequestHandler failing = handlerWith(new DirectoryObjectStore(notADirectory),
                cache(new PropertiesFileCredentialSource(dir.resolve("credentials.properties"))));
        assertEquals(503, failing.handle(post(LogplexFixtures.body("devcenter-log-drains-https-example-body.txt"),
                auth("my-app", SECRET))).status());
        assertTrue(log().contains("\"level\":\"ERROR\""), log());
    }

    @Test
    void a_retried_batch_is_stored_once_and_answered_200_again() throws IOException {
        byte[] body = LogplexFixtures.body("logplex-readme-http-drain-request.txt");
        Map<String, String> headers = headers(auth("my-app", SECRET));
        headers.put("logplex-frame-id", "09C557EAFCFB6CF2740EE62F62971098");
        assertEquals(200, handler.handle(request("POST", "/logs", headers, body)).status());
        assertEquals(200, handler.handle(request("POST", "/logs", headers, body)).status());
        assertEquals(1, storedFiles().size());
        assertTrue(log().contains("\"alreadyStored\":1"), log());
    }

    @Test
    void the_request_log_is_one_emf_json_line_per_request_without_secret_or_content() throws IOException {
        Map<String, String> headers = headers(auth("my-app", SECRET));
        headers.put("logplex-frame-id", "09C557EAFCFB6CF2740EE62F62971098");
        headers.put("logplex-msg-count", "10");
        handler.handle(request("POST", "/logs", headers, LogplexFixtures.body("logplex-readme-http-drain-request.txt")));
        handler.handle(post(new byte[10], auth("my-app", "wrong-" + SECRET)));
        String[] lines = log().split("\n");
        assertEquals(2, lines.length);
        Map<String, Object> accepted = parse(lines[0]);
        assertEquals("my-app", accepted.get("App"));
        assertEquals(200, accepted.get("status"));
        assertEquals(10, accepted.get("Messages"));
        assertEquals(1, accepted.get("Objects"));
        assertEquals("10", accepted.get("declaredMessages"));
        assertEquals("09C557EAFCFB6CF2740EE62F62971098", accepted.get("frameId"));
        Map<String, Object> rejected = parse(lines[1]);
        assertFalse(rejected.containsKey("App"), "no App dimension for a refused caller");
        assertEquals("my-app", rejected.get("attemptedApp"));
        assertEquals(1, rejected.get("Rejected"));
        assertFalse(log().contains(SECRET), "secret leaked into the log");
        assertFalse(log().contains("Hi from erlang"), "content leaked into the log");
        assertTrue(lines[0].startsWith("{\"_aws\":{\"Timestamp\":1000,\"CloudWatchMetrics\":[{\"Namespace\":\"AuditDrain\","
                + "\"Dimensions\":[[\"App\"],[]]"), lines[0]);
    }

    private String log() {
        return logBytes.toString(UTF_8);
    }

    /** Top-level scalar fields of a JSON line. */
    private static Map<String, Object> parse(String line) throws IOException {
        Map<String, Object> fields = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(line)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.VALUE_NUMBER_INT) {
                    fields.put(name, p.getIntValue());
                } else if (t == JsonToken.VALUE_STRING) {
                    fields.put(name, p.getText());
                } else {
                    p.skipChildren();
                }
            }
        }
        return fields;
    }

    private List<Path> storedFiles() throws IOException {
        if (!Files.exists(store)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(store)) {
            return walk.filter(p -> p.toString().endsWith(".gz")).toList();
        }
    }

    private static DrainRequest post(byte[] body, String authorization) {
        return request("POST", "/logs", headers(authorization), body);
    }

    private static DrainRequest request(String method, String path, Map<String, String> headers, byte[] body) {
        return new DrainRequest(method, path, headers, body);
    }

    private static Map<String, String> headers(String authorization) {
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/logplex-1");
        if (authorization != null) {
            headers.put("authorization", authorization);
        }
        return headers;
    }

    private static String auth(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
    }
}
