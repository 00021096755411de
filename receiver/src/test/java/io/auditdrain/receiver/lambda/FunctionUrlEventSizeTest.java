package io.auditdrain.receiver.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.receiver.ingest.DrainRequestHandler;
import io.auditdrain.testing.lambda.FunctionUrlRequest;
import org.junit.jupiter.api.Test;

/**
 * The largest drain body Lambda can deliver through a Function URL: the event (headers, request context and the body
 * base64-encoded) must stay within Lambda's 6,291,456-byte invocation payload. Measured on a Logplex request as the
 * URL hands it over, with every header Logplex and the URL's front end send.
 */
class FunctionUrlEventSizeTest {

    private static FunctionUrlRequest logplexRequest(int bodyBytes) {
        return FunctionUrlRequest.drainPost("a-thirty-character-app-name-xx", "c2VjcmV0LW9mLWFwcC1hLTEyMzQ1Njc4OTAxMjM0NTY",
                new byte[bodyBytes])
                .header("Logplex-Msg-Count", "1000")
                .header("Logplex-Frame-Id", "09C557EAFCFB6CF2740EE62F62971098")
                .header("Logplex-Drain-Token", "d.73ea7440-270a-435a-a0ad-547d0a2d6b1f");
    }

    /** The largest body whose event fits, found by bisection. */
    static int largestBodyThatFits() {
        int low = 0;
        int high = DrainRequestHandler.LAMBDA_EVENT_LIMIT;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (logplexRequest(mid).event().length <= DrainRequestHandler.LAMBDA_EVENT_LIMIT) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    @Test
    void a_body_at_the_limit_makes_an_event_that_lambda_accepts() {
        assertTrue(logplexRequest(DrainRequestHandler.MAX_BODY_BYTES).event().length
                <= DrainRequestHandler.LAMBDA_EVENT_LIMIT);
    }

    @Test
    void the_limit_refuses_at_most_16_kib_of_what_lambda_would_deliver() {
        int largest = largestBodyThatFits();
        int envelope = logplexRequest(0).event().length;
        assertTrue(largest >= DrainRequestHandler.MAX_BODY_BYTES, "largest " + largest);
        assertTrue(largest - DrainRequestHandler.MAX_BODY_BYTES <= 16 * 1024,
                "largest body Lambda delivers: " + largest + " bytes (envelope " + envelope + " bytes); limit "
                        + DrainRequestHandler.MAX_BODY_BYTES);
        assertEquals(4_706_304, DrainRequestHandler.MAX_BODY_BYTES, "the README's figure");
    }
}
