package io.auditdrain.receiver.aws;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Map;

/** The AWS answers a request path is primed with: the shapes S3 and SSM send, with nothing real in them. */
public final class PrimingResponses {

    private PrimingResponses() {
    }

    /** PutObject answered 200: the object was written. */
    public static Priming.CannedResponse s3PutObjectCreated() {
        return new Priming.CannedResponse(200, Map.of("ETag", "\"00000000000000000000000000000000\"",
                "x-amz-request-id", "PRIMING", "x-amz-version-id", "priming"), new byte[0]);
    }

    /** PutObject with {@code If-None-Match: *} answered 412: the key exists (a retried batch). */
    public static Priming.CannedResponse s3PreconditionFailed(String key) {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>PreconditionFailed</Code>"
                + "<Message>At least one of the pre-conditions you specified did not hold</Message>"
                + "<Condition>If-None-Match</Condition><Key>" + key + "</Key><RequestId>PRIMING</RequestId>"
                + "<HostId>priming</HostId></Error>";
        return new Priming.CannedResponse(412, Map.of("Content-Type", "application/xml", "x-amz-request-id", "PRIMING"),
                xml.getBytes(UTF_8));
    }

    /** GetParameters answered with no parameter found (an app without credentials). */
    public static Priming.CannedResponse ssmGetParametersNotFound() {
        return new Priming.CannedResponse(200, Map.of("Content-Type", "application/x-amz-json-1.1",
                "x-amzn-RequestId", "priming"), "{\"InvalidParameters\":[],\"Parameters\":[]}".getBytes(UTF_8));
    }
}
