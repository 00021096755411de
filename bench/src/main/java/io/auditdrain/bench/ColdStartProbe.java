package io.auditdrain.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.auditdrain.receiver.lambda.FunctionUrlHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

/**
 * What a Lambda cold start does, in a fresh JVM: build the handler from the environment (configuration, SDK
 * clients), then handle one Function URL event, which reads the app's credential from SSM and stores one object in
 * S3. Prints the process's CPU time and the status on one line, then exits. Launched by {@link ColdStart}.
 */
public final class ColdStartProbe {

    private ColdStartProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--trivial")) {
            // The baseline: the same JVM start and classpath, doing nothing.
            long cpuNanos = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
            System.err.println("COLDSTART cpu_ns=" + cpuNanos + " status=200");
            return;
        }
        FunctionUrlHandler handler = new FunctionUrlHandler();
        String message = "<190>1 2026-11-22T10:00:00.123456+00:00 host app web.1 - cold start " + System.nanoTime();
        byte[] body = ((message.length() + 1) + " " + message + "\n").getBytes(UTF_8);
        byte[] event = FunctionUrlEvents.drainPost(args[0], args[1], body);
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), response, null);
        long cpuNanos = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
        String status = response.toString(UTF_8).replaceAll(".*\"statusCode\":(\\d+).*", "$1");
        System.err.println("COLDSTART cpu_ns=" + cpuNanos + " status=" + status);
    }
}
