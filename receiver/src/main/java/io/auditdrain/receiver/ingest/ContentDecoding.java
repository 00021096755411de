package io.auditdrain.receiver.ingest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Undoes a request's {@code Content-Encoding} before framing: senders such as Heroku's log-shuttle ({@code -gzip})
 * compress their batches. The decoded size is bounded, so a small body cannot expand into the function's memory.
 * A body that cannot be decoded (unknown encoding, corrupt data, over the bound) is kept exactly as received, so it
 * is stored and counted rather than lost.
 */
final class ContentDecoding {

    /** About 14 times the largest body Lambda delivers: log text compresses 7 to 10 times. */
    static final int MAX_DECODED_BYTES = 64 * 1024 * 1024;

    /** The body to frame, and why it is the body as received when decoding was asked for but failed. */
    record Decoded(byte[] body, String failure) {
        boolean failed() {
            return failure != null;
        }
    }

    private ContentDecoding() {
    }

    static Decoded decode(byte[] body, String contentEncoding) {
        if (contentEncoding == null) {
            return new Decoded(body, null);
        }
        String encoding = contentEncoding.strip().toLowerCase(Locale.ROOT);
        try {
            switch (encoding) {
                case "", "identity":
                    return new Decoded(body, null);
                case "gzip", "x-gzip":
                    return new Decoded(readBounded(new GZIPInputStream(new ByteArrayInputStream(body), 8192)), null);
                case "deflate":
                    return new Decoded(inflate(body), null);
                default:
                    return new Decoded(body, "unsupported Content-Encoding: " + printable(encoding));
            }
        } catch (IOException | IllegalStateException e) {
            return new Decoded(body, "Content-Encoding " + encoding + " could not be decoded: " + e.getMessage());
        }
    }

    /** HTTP's deflate is zlib-wrapped; some senders send raw deflate, so that is tried second. */
    private static byte[] inflate(byte[] body) throws IOException {
        try {
            return readBounded(new InflaterInputStream(new ByteArrayInputStream(body), new Inflater(false), 8192));
        } catch (IOException zlib) {
            return readBounded(new InflaterInputStream(new ByteArrayInputStream(body), new Inflater(true), 8192));
        }
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (out.size() + n > MAX_DECODED_BYTES) {
                    throw new IllegalStateException("decodes to more than " + MAX_DECODED_BYTES + " bytes");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** The header as the request log may show it: a short token, else a placeholder; null when absent. */
    static String nameForLog(String contentEncoding) {
        return contentEncoding == null ? null : printable(contentEncoding.strip().toLowerCase(Locale.ROOT));
    }

    private static String printable(String s) {
        return s.length() > 40 || !s.matches("[a-z0-9 ,;=._-]*") ? "(not shown)" : s;
    }
}
