package io.auditdrain.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared samples of real Logplex traffic (../shared/fixtures/logplex, copied byte for byte into this module's
 * resources). Each file starts with {@code # } comment lines that are not part of the body; one file is a whole HTTP
 * request whose headers come before a blank line.
 */
public final class LogplexFixtures {

    public static final List<String> NAMES = List.of(
            "devcenter-log-drains-https-example-body.txt",
            "logplex-readme-http-drain-request.txt",
            "pganalyze-heroku-postgres-statement-2chunks-body.txt",
            "vector-heroku_logs-sample-router-body.txt");

    private LogplexFixtures() {
    }

    /** The drain body of a fixture, exactly as its bytes stand in the file. */
    public static byte[] body(String name) {
        Parsed parsed = parse(name);
        byte[] body = new byte[parsed.raw.length - parsed.bodyStart];
        System.arraycopy(parsed.raw, parsed.bodyStart, body, 0, body.length);
        return body;
    }

    /** The HTTP headers of a fixture that is a whole request; empty for a bare body. */
    public static Map<String, String> headers(String name) {
        return parse(name).headers;
    }

    private record Parsed(byte[] raw, int bodyStart, Map<String, String> headers) {
    }

    private static Parsed parse(String name) {
        byte[] raw = read(name);
        int pos = 0;
        while (pos + 1 < raw.length && raw[pos] == '#' && raw[pos + 1] == ' ') {
            while (raw[pos] != '\n') {
                pos++;
            }
            pos++;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (startsWith(raw, pos, "POST ")) {
            int lineStart = pos;
            while (true) {
                int lineEnd = lineStart;
                while (raw[lineEnd] != '\n') {
                    lineEnd++;
                }
                String line = new String(raw, lineStart, lineEnd - lineStart, UTF_8).strip();
                lineStart = lineEnd + 1;
                if (line.isEmpty()) {
                    break;
                }
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith("POST ")) {
                    headers.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
                }
            }
            pos = lineStart;
        }
        return new Parsed(raw, pos, headers);
    }

    private static boolean startsWith(byte[] raw, int pos, String prefix) {
        byte[] p = prefix.getBytes(UTF_8);
        if (raw.length - pos < p.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (raw[pos + i] != p[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] read(String name) {
        try (InputStream in = LogplexFixtures.class.getResourceAsStream("/logplex/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no such fixture: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
