package io.auditdrain.receiver.ingest;

import java.util.Map;

/** What to answer. The body is short plain text; Logplex reads only the status. */
public record DrainResponse(int status, String body, Map<String, String> headers) {

    static DrainResponse of(int status, String body) {
        return new DrainResponse(status, body, Map.of("content-type", "text/plain; charset=utf-8"));
    }

    static DrainResponse of(int status, String body, String headerName, String headerValue) {
        return new DrainResponse(status, body,
                Map.of("content-type", "text/plain; charset=utf-8", headerName, headerValue));
    }
}
