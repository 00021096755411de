package io.auditdrain.testing.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The event a Function URL builds from a request: what AWS keeps, joins and moves (payload format 2.0). */
class FunctionUrlRequestTest {

    private static String event(FunctionUrlRequest request) {
        return new String(request.event(), UTF_8);
    }

    @Test
    void a_header_sent_twice_is_one_header_with_its_values_joined_by_a_comma() {
        String event = event(FunctionUrlRequest.post("/logs").header("Authorization", "Basic a")
                .addHeader("authorization", "Basic b"));
        assertTrue(event.contains("\"authorization\":\"Basic a,Basic b\""), event);
    }

    @Test
    void the_query_string_is_kept_raw_and_as_decoded_parameters_apart_from_the_path() {
        String event = event(FunctionUrlRequest.get("/health?source=uptime%20robot&a=1&a=2"));
        assertTrue(event.contains("\"rawPath\":\"/health\""), event);
        assertTrue(event.contains("\"rawQueryString\":\"source=uptime%20robot&a=1&a=2\""), event);
        assertTrue(event.contains("\"queryStringParameters\":{\"source\":\"uptime robot\",\"a\":\"1,2\"}"), event);
    }

    @Test
    void cookies_leave_the_headers_for_the_cookies_list() {
        String event = event(FunctionUrlRequest.get("/health").header("Cookie", "session=abc; theme=dark")
                .addHeader("Cookie", "lang=en"));
        assertTrue(event.contains("\"cookies\":[\"session=abc\",\"theme=dark\",\"lang=en\"]"), event);
        assertFalse(event.contains("\"cookie\":"), event);
    }

    @Test
    void a_request_without_query_or_cookies_has_an_empty_raw_query_and_neither_list() {
        String event = event(FunctionUrlRequest.post("/logs"));
        assertTrue(event.contains("\"rawQueryString\":\"\""), event);
        assertFalse(event.contains("queryStringParameters"), event);
        assertFalse(event.contains("cookies"), event);
    }
}
