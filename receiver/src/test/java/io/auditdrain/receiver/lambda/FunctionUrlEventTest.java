package io.auditdrain.receiver.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.auditdrain.receiver.ingest.DrainRequest;
import io.auditdrain.receiver.ingest.DrainResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionUrlEventTest {

    @Test
    void a_base64_body_is_decoded_and_headers_are_lower_cased() throws IOException {
        DrainRequest request = read("{\"version\":\"2.0\",\"rawPath\":\"/logs\",\"headers\":{\"Content-Type\":"
                + "\"application/logplex-1\",\"logplex-frame-id\":\"ABC\"},\"requestContext\":{\"accountId\":\"x\","
                + "\"http\":{\"method\":\"post\",\"path\":\"/logs\"},\"timeEpoch\":1},\"body\":\"aGVsbG8=\","
                + "\"isBase64Encoded\":true,\"cookies\":[\"a=b\"]}");
        assertEquals("POST", request.method());
        assertEquals("/logs", request.path());
        assertEquals("application/logplex-1", request.header("Content-Type"));
        assertEquals("ABC", request.header("logplex-frame-id"));
        assertArrayEquals("hello".getBytes(UTF_8), request.body());
    }

    @Test
    void a_text_body_is_taken_as_utf8_and_a_missing_body_is_empty() throws IOException {
        assertArrayEquals("caf\u00e9".getBytes(UTF_8), read("{\"requestContext\":{\"http\":{\"method\":\"POST\"}},"
                + "\"isBase64Encoded\":false,\"body\":\"caf\u00e9\"}").body());
        assertEquals(0, read("{\"rawPath\":\"/health\",\"requestContext\":{\"http\":{\"method\":\"GET\"}}}").body().length);
    }

    @Test
    void an_event_that_is_not_a_function_url_event_is_an_error() {
        assertThrows(IOException.class, () -> read("{\"Records\":[]}"));
        assertThrows(IOException.class, () -> read("[]"));
    }

    @Test
    void the_response_is_the_function_url_response_shape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FunctionUrlEvent.write(new DrainResponse(401, "unauthorized\n", Map.of("www-authenticate", "Basic")), out);
        assertEquals("{\"statusCode\":401,\"headers\":{\"www-authenticate\":\"Basic\"},\"body\":\"unauthorized\\n\","
                + "\"isBase64Encoded\":false}", out.toString(UTF_8));
    }

    @Test
    void priming_runs_without_any_store_or_network() throws IOException {
        FunctionUrlEvent.prime();
    }

    private static DrainRequest read(String json) throws IOException {
        return FunctionUrlEvent.read(new ByteArrayInputStream(json.getBytes(UTF_8)));
    }
}
