package io.auditdrain.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.auditdrain.receiver.ingest.DrainRequestHandler;
import io.auditdrain.receiver.lambda.FunctionUrlHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * The peak heap of one request of the largest body Lambda delivers through the Lambda handler (the Function URL event holds the body base64-encoded,
 * about 8 MB of JSON), to a directory store with file credentials, so that nothing but the receiver is measured.
 * Launched by {@link Memory} in a JVM with the heap a 256 MB function gives; prints the peak of the heap pools.
 */
public final class PeakHeapProbe {

    private PeakHeapProbe() {
    }

    public static void main(String[] args) throws Exception {
        byte[] body = RealisticTraffic.body(DrainRequestHandler.MAX_BODY_BYTES - 20_000, 6);
        byte[] event = FunctionUrlEvents.drainPost("heap-app", "heap-secret", body);
        FunctionUrlHandler handler = new FunctionUrlHandler();
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        long before = heapUsed();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), response, null);
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        String status = response.toString(UTF_8).replaceAll(".*\"statusCode\":(\\d+).*", "$1");
        System.out.printf("PEAKHEAP body=%d event=%d before=%d peak=%d max=%d status=%s%n", body.length, event.length,
                before, peak, Runtime.getRuntime().maxMemory(), status);
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
