package io.auditdrain.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Base64;

/** Function URL events (payload 2.0) as Lambda hands a Logplex POST to the handler, for the probes. */
final class FunctionUrlEvents {

    private FunctionUrlEvents() {
    }

    /** A drain POST to /logs with Basic credentials and the body base64-encoded, as Lambda delivers binary bodies. */
    static byte[] drainPost(String app, String secret, byte[] body) {
        String authorization = "Basic " + Base64.getEncoder().encodeToString((app + ":" + secret).getBytes(UTF_8));
        return ("{\"version\":\"2.0\",\"rawPath\":\"/logs\",\"headers\":{\"authorization\":\"" + authorization
                + "\",\"content-type\":\"application/logplex-1\"},\"requestContext\":{\"http\":{\"method\":\"POST\"}},"
                + "\"body\":\"" + Base64.getEncoder().encodeToString(body) + "\",\"isBase64Encoded\":true}").getBytes(UTF_8);
    }
}
