package io.auditdrain.verifier.logs;

import io.auditdrain.core.LogplexMessage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Hands on each Heroku Postgres message when it is complete, with all its log lines (the statement, then DETAIL and
 * the like) and the objects its chunks came from. A message is complete once its process logs its next one, or at
 * the end of the input ({@link #finish()}). Objects named after the same second are read in no particular order, so
 * a chunk can come after its process's next message: the message is then handed on again, whole, with every object
 * it came from; a reader keeps the last version.
 */
public final class CompletedMessages {

    /**
     * A complete message.
     *
     * @param lines its log lines, the message itself first ({@link ChunkJoiner#lines})
     * @param keys  the objects its chunks came from, in the order they were read
     */
    public record Completed(List<LoggedMessage> lines, Set<String> keys) {
    }

    /** Processes whose last message is kept open; the least recently active is completed first beyond this. */
    private static final int OPEN_PROCESSES = 10_000;

    private record Process(String procId, String attachment) {
    }

    private record MessageId(String procId, String attachment, long message) {
    }

    private static final class Open {
        ChunkJoiner.Part part;
        List<LoggedMessage> whole;
        Set<String> keys;
    }

    private final ChunkJoiner joiner = new ChunkJoiner();
    /** The objects each recent message came from, kept past its completion for chunks that come late. */
    private final Map<MessageId, Set<String>> keysOf = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<MessageId, Set<String>> eldest) {
            return size() > 2 * OPEN_PROCESSES;
        }
    };
    private final Consumer<Completed> sink;
    private final Map<Process, Open> open = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Process, Open> eldest) {
            if (size() > OPEN_PROCESSES) {
                complete(eldest.getValue());
                return true;
            }
            return false;
        }
    };

    public CompletedMessages(Consumer<Completed> sink) {
        this.sink = sink;
    }

    /** Feeds one drained message read from object {@code key}; messages not from a Postgres process are passed over. */
    public void accept(LogplexMessage m, String key) {
        ChunkJoiner.Collected collected = joiner.collect(m).orElse(null);
        if (collected == null) {
            return;
        }
        if (collected instanceof ChunkJoiner.Whole whole) {
            Open o = new Open();
            o.whole = List.of(whole.message());
            o.keys = Set.of(key);
            complete(o);
            return;
        }
        ChunkJoiner.Part part = (ChunkJoiner.Part) collected;
        Process process = new Process(part.procId(), part.attachment());
        Open current = open.get(process);
        if (current != null && current.part.message() != part.message()) {
            complete(open.remove(process));
            current = null;
        }
        if (current == null) {
            current = new Open();
            MessageId id = new MessageId(part.procId(), part.attachment(), part.message());
            // A lone first chunk is a message of its own, even if its number was seen before (a reused pid).
            current.keys = part.chunks() == 1 ? new LinkedHashSet<>() : keysOf.getOrDefault(id,
                    new LinkedHashSet<>());
            keysOf.put(id, current.keys);
            open.put(process, current);
        }
        current.part = part;
        current.keys.add(key);
    }

    /** Completes the messages still open; call once, after the last message. */
    public void finish() {
        open.values().forEach(this::complete);
        open.clear();
    }

    private void complete(Open o) {
        List<LoggedMessage> lines = o.whole != null ? o.whole : joiner.lines(o.part);
        if (!lines.isEmpty()) {
            sink.accept(new Completed(lines, Collections.unmodifiableSet(new LinkedHashSet<>(o.keys))));
        }
    }
}
