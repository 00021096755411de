package io.auditdrain.emulator;

import io.auditdrain.core.GzipDecoder;
import io.auditdrain.core.LineCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** What a receiver's directory store holds, read as a consumer would: every message of every object. */
final class StoredLines {

    private StoredLines() {
    }

    static List<String> messages(Path store) {
        if (!Files.isDirectory(store)) {
            return List.of();
        }
        List<String> messages = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(store)) {
            for (Path file : walk.filter(p -> p.getFileName().toString().endsWith(".gz")).sorted().toList()) {
                messages.addAll(LineCodec.decodeAllUtf8(GzipDecoder.decode(Files.readAllBytes(file))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return messages;
    }

    /** The messages of a drain request body. */
    static List<String> framesOf(byte[] body) {
        List<String> messages = new ArrayList<>();
        for (io.auditdrain.core.Frame f : io.auditdrain.core.LogplexFrameReader.read(body)) {
            messages.add(new String(body, f.offset(), f.length(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return messages;
    }

    /** Polls the store until its joined Heroku Postgres events satisfy {@code done}; fails after {@code limit}. */
    static List<HerokuChunks.Event> awaitEvents(Path store, Duration limit, Predicate<List<HerokuChunks.Event>> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        List<HerokuChunks.Event> events = List.of();
        while (System.nanoTime() < deadline) {
            events = HerokuChunks.join(messages(store));
            if (done.test(events)) {
                return events;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not in the store within " + limit + "; events: " + events);
    }

    static Predicate<List<HerokuChunks.Event>> anyEndsWith(String text) {
        return events -> events.stream().anyMatch(e -> e.text().endsWith(text));
    }
}
