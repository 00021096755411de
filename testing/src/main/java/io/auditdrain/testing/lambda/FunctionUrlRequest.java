package io.auditdrain.testing.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * An HTTP request as a Lambda Function URL hands it to the function: an event in payload format 2.0, with the header
 * names in lower case, the headers the URL's front end adds ({@code host}, {@code x-amzn-trace-id},
 * {@code x-forwarded-*}), the request context (method, source IP, request id, {@code timeEpoch}), and the body
 * base64-encoded unless its content type is text ({@code application/logplex-1} is not, so Logplex bodies always
 * arrive base64-encoded).
 */
public final class FunctionUrlRequest {

    public static final String URL_ID = "abcdefghijklmnopqrstuvwxyz012345";
    public static final String DOMAIN = URL_ID + ".lambda-url.us-east-1.on.aws";

    private final String method;
    private final String path;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body = new byte[0];
    private long timeEpochMillis = System.currentTimeMillis();

    private FunctionUrlRequest(String method, String path) {
        this.method = method;
        this.path = path;
    }

    public static FunctionUrlRequest post(String path) {
        return new FunctionUrlRequest("POST", path);
    }

    public static FunctionUrlRequest get(String path) {
        return new FunctionUrlRequest("GET", path);
    }

    /** A Logplex drain POST to /logs with Basic credentials, as Heroku sends one. */
    public static FunctionUrlRequest drainPost(String app, String secret, byte[] body) {
        return post("/logs")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((app + ":" + secret).getBytes(UTF_8)))
                .header("Content-Type", "application/logplex-1")
                .header("User-Agent", "Logplex/v174")
                .body(body);
    }

    public FunctionUrlRequest header(String name, String value) {
        headers.put(name.toLowerCase(Locale.ROOT), value);
        return this;
    }

    public FunctionUrlRequest headers(Map<String, String> more) {
        more.forEach(this::header);
        return this;
    }

    public FunctionUrlRequest body(byte[] bytes) {
        this.body = bytes;
        return this;
    }

    /** When the URL's front end received the request (default: now). */
    public FunctionUrlRequest receivedAt(long epochMillis) {
        this.timeEpochMillis = epochMillis;
        return this;
    }

    /** The event JSON, as the runtime reads it from {@code invocation/next}. */
    public byte[] event() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("host", DOMAIN);
        all.put("x-amzn-tls-version", "TLSv1.3");
        all.put("x-forwarded-proto", "https");
        all.put("x-forwarded-port", "443");
        all.put("x-forwarded-for", "54.81.112.21");
        all.put("x-amzn-tls-cipher-suite", "TLS_AES_128_GCM_SHA256");
        all.put("x-amzn-trace-id", "Root=1-6745f2a0-0123456789abcdef01234567");
        all.put("content-length", Integer.toString(body.length));
        all.putAll(headers);
        String contentType = all.getOrDefault("content-type", "");
        boolean text = contentType.startsWith("text/") || contentType.contains("json") || contentType.contains("xml")
                || contentType.contains("javascript") || contentType.contains("urlencoded");
        StringBuilder json = new StringBuilder(body.length * 4 / 3 + 2048);
        json.append("{\"version\":\"2.0\",\"routeKey\":\"$default\",\"rawPath\":");
        string(json, path);
        json.append(",\"rawQueryString\":\"\",\"headers\":{");
        boolean first = true;
        for (Map.Entry<String, String> h : all.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            string(json, h.getKey());
            json.append(':');
            string(json, h.getValue());
        }
        json.append("},\"requestContext\":{\"accountId\":\"anonymous\",\"apiId\":\"").append(URL_ID)
                .append("\",\"domainName\":\"").append(DOMAIN).append("\",\"domainPrefix\":\"").append(URL_ID)
                .append("\",\"http\":{\"method\":\"").append(method).append("\",\"path\":");
        string(json, path);
        json.append(",\"protocol\":\"HTTP/1.1\",\"sourceIp\":\"54.81.112.21\",\"userAgent\":");
        string(json, all.getOrDefault("user-agent", ""));
        json.append("},\"requestId\":\"").append(UUID.randomUUID())
                .append("\",\"routeKey\":\"$default\",\"stage\":\"$default\",\"time\":\"26/Nov/2026:10:00:00 +0000\"")
                .append(",\"timeEpoch\":").append(timeEpochMillis).append('}');
        if (body.length > 0) {
            json.append(",\"body\":");
            if (text) {
                string(json, new String(body, UTF_8));
            } else {
                json.append('"').append(Base64.getEncoder().encodeToString(body)).append('"');
            }
        }
        json.append(",\"isBase64Encoded\":").append(body.length > 0 && !text).append('}');
        return json.toString().getBytes(UTF_8);
    }

    private static void string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
