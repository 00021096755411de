package io.auditdrain.testing.lambda.probe;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crac.Core;
import org.crac.Resource;

/**
 * A function that does what the harness's own tests ask of it, to show that the harness treats it as Lambda would:
 * its init and its after-restore hook take as long as its environment says ({@code PROBE_INIT_MILLIS}, {@code
 * PROBE_AFTER_RESTORE=sleep:<millis>}) or the hook throws ({@code PROBE_AFTER_RESTORE=throw}); each event
 * {@code {"command":"...","argument":"..."}} is one of:
 * <ul>
 *   <li>{@code respond N}: answers a JSON string of exactly N bytes;</li>
 *   <li>{@code write task-root|tmp}: tries to create a file there, answers {@code written} or why not;</li>
 *   <li>{@code working-directory}: answers its working directory;</li>
 *   <li>{@code allocate N}: holds N MB on the heap and N MB outside it, every page touched;</li>
 *   <li>{@code spin N}: keeps a core busy for N ms of wall time.</li>
 * </ul>
 */
public final class ProbeFunction implements RequestStreamHandler, Resource {

    private static final Pattern COMMAND = Pattern.compile(
            "\"command\"\\s*:\\s*\"([a-z-]+)\"(?:\\s*,\\s*\"argument\"\\s*:\\s*\"([^\"]*)\")?");
    private static final List<Object> HELD = new ArrayList<>();

    public ProbeFunction() throws InterruptedException {
        System.out.println("probe: init started");
        Thread.sleep(Long.parseLong(System.getenv().getOrDefault("PROBE_INIT_MILLIS", "0")));
        Core.getGlobalContext().register(this);
        System.out.println("probe: init done");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Matcher m = COMMAND.matcher(new String(input.readAllBytes(), UTF_8));
        if (!m.find()) {
            throw new IllegalArgumentException("not a probe command");
        }
        String argument = m.group(2);
        String answer = switch (m.group(1)) {
            case "respond" -> "\"" + "x".repeat(Integer.parseInt(argument) - 2) + "\"";
            case "write" -> quoted(write(argument.equals("tmp") ? Path.of("/tmp")
                    : Path.of(System.getenv("LAMBDA_TASK_ROOT"))));
            case "working-directory" -> quoted(Path.of("").toAbsolutePath().toString());
            case "allocate" -> quoted(allocate(Integer.parseInt(argument)));
            case "spin" -> quoted(spin(Long.parseLong(argument)));
            default -> throw new IllegalArgumentException("unknown probe command " + m.group(1));
        };
        output.write(answer.getBytes(UTF_8));
    }

    private static String write(Path directory) {
        try {
            Files.writeString(directory.resolve("probe-" + System.nanoTime()), "written by the probe");
            return "written";
        } catch (IOException e) {
            return "refused: " + e;
        }
    }

    private static String allocate(int megabytes) {
        for (int i = 0; i < megabytes; i++) {
            byte[] heap = new byte[1024 * 1024];
            ByteBuffer direct = ByteBuffer.allocateDirect(1024 * 1024);
            for (int page = 0; page < heap.length; page += 4096) {
                heap[page] = 1;
                direct.put(page, (byte) 1);
            }
            HELD.add(heap);
            HELD.add(direct);
        }
        return "held " + megabytes + " MB on the heap and " + megabytes + " MB outside it";
    }

    private static String spin(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        long spins = 0;
        while (System.nanoTime() < end) {
            spins++;
        }
        return Long.toString(spins);
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        System.out.println("probe: before checkpoint");
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) throws InterruptedException {
        String behaviour = System.getenv().getOrDefault("PROBE_AFTER_RESTORE", "");
        System.out.println("probe: after restore " + behaviour);
        if (behaviour.equals("throw")) {
            throw new IllegalStateException("the probe's after-restore hook failed on purpose");
        }
        if (behaviour.startsWith("sleep:")) {
            Thread.sleep(Long.parseLong(behaviour.substring("sleep:".length())));
        }
    }
}
