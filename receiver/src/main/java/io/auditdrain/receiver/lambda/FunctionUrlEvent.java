package io.auditdrain.receiver.lambda;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.auditdrain.receiver.ingest.BatchEncoder;
import io.auditdrain.receiver.ingest.DrainRequest;
import io.auditdrain.receiver.ingest.DrainResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a Lambda Function URL request event (payload format 2.0) and writes its response, with streaming JSON only:
 * no databind and no event classes to load at cold start.
 */
final class FunctionUrlEvent {

    private static final JsonFactory JSON = new JsonFactory();

    private FunctionUrlEvent() {
    }

    /** A request as the Function URL delivered it, and when it arrived there ({@code requestContext.timeEpoch}). */
    record Delivered(DrainRequest request, long timeEpochMillis) {
        static final long UNKNOWN = -1;
    }

    static DrainRequest read(InputStream in) throws IOException {
        return parse(in).request();
    }

    static Delivered parse(InputStream in) throws IOException {
        String method = null;
        long timeEpoch = Delivered.UNKNOWN;
        String path = "/";
        Map<String, String> headers = new HashMap<>();
        String body = null;
        boolean base64 = false;
        try (JsonParser p = JSON.createParser(in)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "rawPath":
                        path = p.getText();
                        break;
                    case "headers":
                        readHeaders(p, value, headers);
                        break;
                    case "requestContext":
                        RequestContext context = readRequestContext(p, value);
                        method = context.method() != null ? context.method() : method;
                        timeEpoch = context.timeEpoch();
                        break;
                    case "body":
                        body = value == JsonToken.VALUE_NULL ? null : p.getText();
                        break;
                    case "isBase64Encoded":
                        base64 = value == JsonToken.VALUE_TRUE;
                        break;
                    default:
                        p.skipChildren();
                }
            }
        }
        if (method == null) {
            throw new IOException("event has no requestContext.http.method: not a Function URL event");
        }
        byte[] bytes;
        if (body == null) {
            bytes = new byte[0];
        } else if (base64) {
            try {
                bytes = Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw new IOException("event body is marked base64 but is not: " + e.getMessage(), e);
            }
        } else {
            bytes = body.getBytes(StandardCharsets.UTF_8);
        }
        return new Delivered(new DrainRequest(method.toUpperCase(Locale.ROOT), path, headers, bytes), timeEpoch);
    }

    static void write(DrainResponse response, OutputStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("statusCode", response.status());
            g.writeObjectFieldStart("headers");
            for (Map.Entry<String, String> header : response.headers().entrySet()) {
                g.writeStringField(header.getKey(), header.getValue());
            }
            g.writeEndObject();
            g.writeStringField("body", response.body());
            g.writeBooleanField("isBase64Encoded", false);
            g.writeEndObject();
        }
    }

    /**
     * Runs an in-memory request through parsing, encoding and response writing, so that a SnapStart snapshot holds
     * those classes loaded and warm. Touches no network, store or log.
     */
    static void prime() throws IOException {
        String message = "<190>1 2026-01-01T00:00:00.000001+00:00 host app web.1 - priming";
        byte[] body = ((message.length() + 1) + " " + message + "\n").getBytes(StandardCharsets.UTF_8);
        String event = "{\"version\":\"2.0\",\"rawPath\":\"/logs\",\"headers\":{\"content-type\":"
                + "\"application/logplex-1\"},\"requestContext\":{\"http\":{\"method\":\"POST\"}},\"body\":\""
                + Base64.getEncoder().encodeToString(body) + "\",\"isBase64Encoded\":true}";
        DrainRequest request = read(new java.io.ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)));
        try (BatchEncoder encoder = new BatchEncoder(BatchEncoder.PRIMING_LEVEL)) {
            encoder.encode(request.body(), new BatchEncoder.BatchContext("priming", null, null));
        }
        write(new DrainResponse(200, "", Map.of()), OutputStream.nullOutputStream());
    }

    private static void readHeaders(JsonParser p, JsonToken start, Map<String, String> headers) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName().toLowerCase(Locale.ROOT);
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_STRING) {
                headers.put(name, p.getText());
            } else {
                p.skipChildren();
            }
        }
    }

    private record RequestContext(String method, long timeEpoch) {
    }

    /** {@code requestContext.http.method} and {@code requestContext.timeEpoch}; the rest is skipped. */
    private static RequestContext readRequestContext(JsonParser p, JsonToken start) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            p.skipChildren();
            return new RequestContext(null, Delivered.UNKNOWN);
        }
        String method = null;
        long timeEpoch = Delivered.UNKNOWN;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("timeEpoch") && value == JsonToken.VALUE_NUMBER_INT) {
                timeEpoch = p.getLongValue();
            } else if (field.equals("http") && value == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String httpField = p.currentName();
                    p.nextToken();
                    if (httpField.equals("method")) {
                        method = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return new RequestContext(method, timeEpoch);
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + " but found " + actual);
        }
    }
}
