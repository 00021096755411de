package io.auditdrain.receiver.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.auditdrain.receiver.ingest.DrainRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Fuzzing the Function URL event parser. Any input either parses or fails with an {@link IOException} (which the
 * handler lets Lambda report), never another exception; and any event as Lambda writes it gives back its method,
 * path, headers and every byte of its body.
 */
class FunctionUrlEventFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void any_input_parses_or_fails_with_an_io_exception(byte[] input) {
        try {
            FunctionUrlEvent.read(new ByteArrayInputStream(input));
        } catch (IOException expected) {
            // The one declared failure: not a Function URL event.
        }
    }

    @FuzzTest(maxDuration = "2m")
    void any_event_gives_back_every_byte_of_its_body(FuzzedDataProvider data) throws IOException {
        String method = data.pickValue(new String[] {"POST", "post", "GET", "HEAD", "PUT"});
        String path = "/" + data.consumeAsciiString(40);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = data.consumeInt(0, 6); i > 0; i--) {
            headers.put(data.consumeAsciiString(20).toLowerCase(Locale.ROOT), data.consumeString(60));
        }
        boolean base64 = data.consumeBoolean();
        byte[] raw = data.consumeRemainingAsBytes();
        // Lambda sends a text body as a JSON string: only what survives UTF-8 can arrive that way.
        byte[] body = base64 ? raw : new String(raw, UTF_8).getBytes(UTF_8);

        DrainRequest request = FunctionUrlEvent.read(new ByteArrayInputStream(
                FunctionUrlHandlerIT.event(method, path, headers, body, base64)));

        check(request.method().equals(method.toUpperCase(Locale.ROOT)), "method " + request.method());
        check(request.path().equals(path), "path " + request.path());
        check(request.headers().equals(headers), "headers " + request.headers() + " sent as " + headers);
        check(Arrays.equals(request.body(), body), "body of " + request.body().length + " bytes, sent " + body.length);
    }

    private static void check(boolean holds, String what) {
        if (!holds) {
            throw new AssertionError(what);
        }
    }
}
