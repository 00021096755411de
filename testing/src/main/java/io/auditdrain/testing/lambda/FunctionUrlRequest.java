package io.auditdrain.testing.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URLDecoder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * An HTTP request as a Lambda Function URL hands it to the function: an event in payload format 2.0, with the header
 * names in lower case, the headers the URL's front end adds ({@code host}, {@code x-amzn-trace-id},
 * {@code x-forwarded-*}), the request context (method, source IP, request id, {@code timeEpoch}), and the body
 * base64-encoded unless its content type is text ({@code application/logplex-1} is not, so Logplex bodies always
 * arrive base64-encoded). As the URL builds it: a header sent more than once is one header, its values joined with
 * commas ({@code Basic a,Basic b}); the query string is {@code rawQueryString}, and {@code queryStringParameters}
 * (decoded, repeated names joined with commas); cookies leave the headers for the {@code cookies} list.
 */
public final class FunctionUrlRequest {

    public static final String URL_ID = "abcdefghijklmnopqrstuvwxyz012345";
    public static final String DOMAIN = URL_ID + ".lambda-url.us-east-1.on.aws";

    private final String method;
    private final String path;
    private final String rawQuery;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final List<String> cookies = new ArrayList<>();
    private byte[] body = new byte[0];
    private long timeEpochMillis = System.currentTimeMillis();

    private FunctionUrlRequest(String method, String target) {
        this.method = method;
        int query = target.indexOf('?');
        this.path = query < 0 ? target : target.substring(0, query);
        this.rawQuery = query < 0 ? "" : target.substring(query + 1);
    }

    /** A request for {@code target}: a path, with a query string after {@code ?} if any (raw, as sent). */
    public static FunctionUrlRequest of(String method, String target) {
        return new FunctionUrlRequest(method.toUpperCase(Locale.ROOT), target);
    }

    public static FunctionUrlRequest post(String target) {
        return of("POST", target);
    }

    public static FunctionUrlRequest get(String target) {
        return of("GET", target);
    }

    /** A Logplex drain POST to /logs with Basic credentials, as Heroku sends one. */
    public static FunctionUrlRequest drainPost(String app, String secret, byte[] body) {
        return post("/logs")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((app + ":" + secret).getBytes(UTF_8)))
                .header("Content-Type", "application/logplex-1")
                .header("User-Agent", "Logplex/v174")
                .body(body);
    }

    /** Sets {@code name} to {@code value} (a header sent once). */
    public FunctionUrlRequest header(String name, String value) {
        String key = name.toLowerCase(Locale.ROOT);
        if (key.equals("cookie")) {
            cookies.clear();
            return addHeader(name, value);
        }
        headers.put(key, value);
        return this;
    }

    /** One more line of {@code name}: the URL joins it to the earlier ones with a comma (cookies: one list). */
    public FunctionUrlRequest addHeader(String name, String value) {
        String key = name.toLowerCase(Locale.ROOT);
        if (key.equals("cookie")) {
            for (String cookie : value.split(";")) {
                if (!cookie.isBlank()) {
                    cookies.add(cookie.strip());
                }
            }
        } else {
            headers.merge(key, value, (earlier, later) -> earlier + "," + later);
        }
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
        json.append(",\"rawQueryString\":");
        string(json, rawQuery);
        if (!cookies.isEmpty()) {
            json.append(",\"cookies\":[");
            for (int i = 0; i < cookies.size(); i++) {
                if (i > 0) {
                    json.append(',');
                }
                string(json, cookies.get(i));
            }
            json.append(']');
        }
        json.append(",\"headers\":{");
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
        json.append('}');
        Map<String, String> parameters = queryParameters();
        if (!parameters.isEmpty()) {
            json.append(",\"queryStringParameters\":{");
            boolean firstParameter = true;
            for (Map.Entry<String, String> p : parameters.entrySet()) {
                if (!firstParameter) {
                    json.append(',');
                }
                firstParameter = false;
                string(json, p.getKey());
                json.append(':');
                string(json, p.getValue());
            }
            json.append('}');
        }
        json.append(",\"requestContext\":{\"accountId\":\"anonymous\",\"apiId\":\"").append(URL_ID)
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

    /** The query's parameters, decoded, a repeated name's values joined with commas. */
    private Map<String, String> queryParameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), UTF_8);
            parameters.merge(name, value, (earlier, later) -> earlier + "," + later);
        }
        return parameters;
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
