package io.auditdrain.receiver.ingest;

import java.util.Locale;
import java.util.Map;

/**
 * An HTTP request as the adapters (Lambda Function URL, local server) hand it over.
 *
 * @param headers header names in lower case (as Function URLs deliver them); the first value of each
 */
public record DrainRequest(String method, String path, Map<String, String> headers, byte[] body) {

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
