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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        BatchEncoder encoder = new BatchEncoder(6);
        RequestLog log = new RequestLog(new PrintStream(logBytes, true, UTF_8), "AuditDrain", () -> 1_000L);
        return new DrainRequestHandler(new DrainAuthenticator(cache), objectStore, () -> encoder, log, "/health",
                () -> 1_763_800_000_000L);
    }

    @Test
    void health_answers_200_without_credentials_and_stores_nothing() throws IOException {
        assertEquals(200, handler.handle(request("GET", "/health", Map.of(), new byte[0])).status());
        assertEquals(200, handler.handle(request("HEAD", "/health", Map.of(), new byte[0])).status());
        assertEquals(0, storedFiles().size());
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
