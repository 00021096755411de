package io.auditdrain.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1.1 message as it crossed the wire, kept as raw bytes so that a proxy relays it unchanged (a SigV4
 * signature covers the headers), with just enough parsed to find where it ends: the start line, the headers, and a
 * body framed by {@code Content-Length}, by chunked transfer coding (relayed still chunked), or, for a response
 * with neither, by the end of the connection.
 *
 * @param head the start line and headers, up to and including the empty line
 * @param body the body's bytes as sent (chunk framing included)
 * @param endsWithConnection a response whose body ran to the end of the connection, so the connection is done
 */
record HttpMessage(String startLine, List<Header> headers, byte[] head, byte[] body, boolean endsWithConnection) {

    /** A header line as sent. */
    record Header(String name, String value) {
    }

    /** The biggest head accepted: more is not an HTTP message this proxy will relay. */
    private static final int MAX_HEAD_BYTES = 64 * 1024;

    /** The first value of {@code name}, case-insensitive; null when absent. */
    String header(String name) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    /** The status code of a response. */
    int status() {
        String[] parts = startLine.split(" ", 3);
        return Integer.parseInt(parts[1]);
    }

    /** The method of a request. */
    String method() {
        return startLine.substring(0, Math.max(0, startLine.indexOf(' ')));
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(head);
        out.write(body);
        out.flush();
    }

    /**
     * Reads a request's start line and headers; null when the connection ended before a first byte (a client that
     * closed an idle keep-alive connection).
     */
    static HttpMessage readRequestHead(InputStream in) throws IOException {
        return readHead(in);
    }

    /** The request with its body read, after {@link #readRequestHead}. */
    HttpMessage withRequestBody(InputStream in) throws IOException {
        return new HttpMessage(startLine, headers, head, readBody(in, false), false);
    }

    /**
     * Reads a whole response, skipping interim (1xx) ones; {@code request} tells whether a body can follow (none
     * after a HEAD).
     */
    static HttpMessage readResponse(InputStream in, HttpMessage request) throws IOException {
        while (true) {
            HttpMessage head = readHead(in);
            if (head == null) {
                throw new EOFException("the connection closed before a response");
            }
            int status = head.status();
            if (status >= 100 && status < 200) {
                continue;
            }
            boolean bodyless = request.method().equals("HEAD") || status == 204 || status == 304;
            if (bodyless) {
                return new HttpMessage(head.startLine, head.headers, head.head, new byte[0], false);
            }
            boolean delimited = head.header("content-length") != null || isChunked(head);
            byte[] body = head.readBody(in, !delimited);
            return new HttpMessage(head.startLine, head.headers, head.head, body, !delimited);
        }
    }

    private static HttpMessage readHead(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (bytes.size() == 0) {
                    return null;
                }
                throw new EOFException("the connection closed inside a message head");
            }
            bytes.write(b);
            if (bytes.size() > MAX_HEAD_BYTES) {
                throw new IOException("message head above " + MAX_HEAD_BYTES + " bytes");
            }
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        byte[] head = bytes.toByteArray();
        String[] lines = new String(head, 0, head.length - 4, ISO_8859_1).split("\r\n");
        List<Header> headers = new ArrayList<>(lines.length);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.add(new Header(lines[i].substring(0, colon).strip(), lines[i].substring(colon + 1).strip()));
            }
        }
        return new HttpMessage(lines[0], List.copyOf(headers), head, new byte[0], false);
    }

    private byte[] readBody(InputStream in, boolean toEnd) throws IOException {
        if (toEnd) {
            return in.readAllBytes();
        }
        if (isChunked(this)) {
            return readChunked(in);
        }
        String length = header("content-length");
        if (length == null) {
            return new byte[0];
        }
        long n = Long.parseLong(length.strip());
        if (n > Integer.MAX_VALUE - 16) {
            throw new IOException("body too large to relay: " + n);
        }
        byte[] body = in.readNBytes((int) n);
        if (body.length < n) {
            throw new EOFException("the connection closed inside a body");
        }
        return body;
    }

    private static boolean isChunked(HttpMessage message) {
        String coding = message.header("transfer-encoding");
        return coding != null && coding.toLowerCase(Locale.ROOT).contains("chunked");
    }

    /** The chunked body as sent: every size line, chunk and the trailer section. */
    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in, out);
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip(), 16);
            if (size == 0) {
                // Trailers, then the empty line.
                while (!readLine(in, out).isEmpty()) {
                    // relayed as read
                }
                return out.toByteArray();
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw new EOFException("the connection closed inside a chunk");
            }
            out.write(chunk);
            readLine(in, out);
        }
    }

    private static String readLine(InputStream in, ByteArrayOutputStream copy) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the connection closed inside a chunked body");
            }
            copy.write(b);
            if (b == '\n') {
                int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
                return line.substring(0, end);
            }
            line.append((char) b);
        }
    }
}
