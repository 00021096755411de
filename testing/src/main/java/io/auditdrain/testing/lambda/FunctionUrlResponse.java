package io.auditdrain.testing.lambda;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;

/** What a function answered a Function URL request with: the status code and body of its response JSON. */
public record FunctionUrlResponse(int status, String body) {

    private static final JsonFactory JSON = new JsonFactory();

    public static FunctionUrlResponse parse(byte[] response) {
        int status = 0;
        String body = null;
        try (JsonParser p = JSON.createParser(response)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a Function URL response: " + new String(response,
                        java.nio.charset.StandardCharsets.UTF_8));
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("statusCode")) {
                    status = p.getIntValue();
                } else if (name.equals("body")) {
                    body = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new FunctionUrlResponse(status, body);
    }

    /** The runtime's answer to an invocation, which must have succeeded. */
    public static FunctionUrlResponse of(LambdaRuntimeApi.Outcome outcome) {
        if (!outcome.succeeded()) {
            throw new AssertionError("the function failed: " + outcome.error());
        }
        return parse(outcome.response());
    }
}
