package io.auditdrain.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class HttpMessageTest {

    private static InputStream wire(String text) {
        return new ByteArrayInputStream(text.getBytes(ISO_8859_1));
    }

    private static String relayed(HttpMessage message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toString(ISO_8859_1);
    }

    @Test
    void a_request_with_a_content_length_is_relayed_byte_for_byte_and_the_next_one_follows() throws IOException {
        String first = "PUT /b/k HTTP/1.1\r\nHost: x\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AK/20260101/"
                + "us-east-1/s3/aws4_request\r\nContent-Length: 5\r\n\r\nhello";
        String second = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        InputStream in = wire(first + second);
        HttpMessage request = HttpMessage.readRequestHead(in).withRequestBody(in);
        assertEquals("PUT", request.method());
        assertEquals(first, relayed(request));
        HttpMessage next = HttpMessage.readRequestHead(in).withRequestBody(in);
        assertEquals(second, relayed(next));
        assertNull(HttpMessage.readRequestHead(in), "a connection that ends between requests has no next one");
    }

    @Test
    void a_chunked_body_is_read_to_its_last_chunk_and_trailers_and_relayed_still_chunked() throws IOException {
        String request = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n"
                + "0\r\nX-Trailer: t\r\n\r\n";
        InputStream in = wire(request + "GET / HTTP/1.1\r\n\r\n");
        HttpMessage message = HttpMessage.readRequestHead(in).withRequestBody(in);
        assertEquals(request, relayed(message));
        assertEquals("GET / HTTP/1.1", HttpMessage.readRequestHead(in).startLine());
    }

    @Test
    void interim_answers_are_skipped_and_a_response_without_length_runs_to_the_end_of_the_connection()
            throws IOException {
        HttpMessage put = HttpMessage.readRequestHead(wire("PUT / HTTP/1.1\r\n\r\n"));
        HttpMessage response = HttpMessage.readResponse(wire("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
                + "Content-Type: text/plain\r\n\r\nall of it"), put);
        assertEquals(200, response.status());
        assertArrayEquals("all of it".getBytes(ISO_8859_1), response.body());
        assertTrue(response.endsWithConnection());
    }

    @Test
    void a_response_to_head_has_no_body_whatever_its_length_says() throws IOException {
        HttpMessage head = HttpMessage.readRequestHead(wire("HEAD /b/k HTTP/1.1\r\n\r\n"));
        HttpMessage response = HttpMessage.readResponse(wire("HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n"), head);
        assertEquals(0, response.body().length);
        assertFalse(response.endsWithConnection());
        assertEquals("42", response.header("CONTENT-LENGTH"));
    }

    @Test
    void a_connection_that_ends_inside_a_message_is_an_error_not_a_short_message() {
        assertThrows(EOFException.class, () -> HttpMessage.readRequestHead(wire("PUT / HTTP/1.1\r\nHost")));
        assertThrows(EOFException.class, () -> {
            InputStream in = wire("PUT / HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort");
            HttpMessage.readRequestHead(in).withRequestBody(in);
        });
    }
}
