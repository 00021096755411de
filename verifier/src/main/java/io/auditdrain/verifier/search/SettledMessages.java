package io.auditdrain.verifier.search;

import io.auditdrain.core.LogplexMessage;
import io.auditdrain.verifier.logs.ChunkJoiner;
import io.auditdrain.verifier.logs.LoggedMessage;
import io.auditdrain.verifier.logs.PostgresLogChunk;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * Puts Heroku Postgres messages back together from their {@code [N-M]} chunks, whatever order and objects the chunks
 * arrive in, and hands each on once it is settled: when no object still to be read can hold another chunk of it.
 * Objects are read in key order, an object is named after its newest line, and a line reaches the bucket within the
 * margin after its time, so a message stamped before (the next object's time minus the margin) is settled. A settled
 * message is whole, or known to be incomplete (a chunk number missing, or no first chunk) and said so: never cut
 * short silently. The same chunk stored twice (two drains during a rotation) counts once.
 */
final class SettledMessages {

    /**
     * A settled message.
     *
     * @param lines      its log lines, the message itself first ({@link ChunkJoiner#join})
     * @param keys       the objects its chunks came from, in the order they were read
     * @param time       the syslog time of the chunk first read
     * @param incomplete why it is not whole, or null when it is
     * @param prefixed   false when its first chunk (the one with the log prefix) is missing
     */
    record Settled(List<LoggedMessage> lines, Set<String> keys, Instant time, String incomplete, boolean prefixed) {
    }

    /** Where settled messages and warnings go. */
    interface Sink {
        void settled(Settled message);

        void warning(String warning);
    }

    /** Messages already handed on whose chunks are remembered, to tell a late copy from a late chunk. */
    private static final int REMEMBERED = 100_000;

    private record Id(String procId, String attachment, long message) {
        @Override
        public String toString() {
            return procId + (attachment.isEmpty() ? "" : " [" + attachment + "]") + " message " + message;
        }
    }

    private static final class Pending {
        final Id id;
        final Instant time;
        final long order;
        final TreeMap<Integer, PostgresLogChunk> chunks = new TreeMap<>();
        final Set<String> keys = new LinkedHashSet<>();
        LoggedMessage whole;
        boolean settled;

        Pending(Id id, Instant time, long order) {
            this.id = id;
            this.time = time;
            this.order = order;
        }
    }

    private final Sink sink;
    private final Map<Id, Pending> open = new HashMap<>();
    private final PriorityQueue<Pending> bySettling = new PriorityQueue<>(
            Comparator.comparing((Pending p) -> p.time).thenComparingLong(p -> p.order));
    private final Map<Id, Map<Integer, String>> handedOn = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Id, Map<Integer, String>> eldest) {
            return size() > REMEMBERED;
        }
    };
    private Instant settledBefore = Instant.MIN;
    private long order;

    SettledMessages(Sink sink) {
        this.sink = sink;
    }

    /** Feeds one drained message read from object {@code key}; messages not from a Postgres process are passed over. */
    void accept(LogplexMessage m, String key) {
        if (!PostgresLogChunk.isPostgres(m)) {
            return;
        }
        Optional<PostgresLogChunk> parsed = PostgresLogChunk.parse(m);
        if (parsed.isEmpty()) {
            Pending p = new Pending(null, m.timestamp(), order++);
            p.whole = new LoggedMessage(m.procId(), "", -1, 1, m.text(), m.text(), m.timestamp());
            p.keys.add(key);
            bySettling.add(p);
            return;
        }
        PostgresLogChunk c = parsed.get();
        Id id = new Id(c.procId(), c.attachment(), c.message());
        Pending p = open.get(id);
        if (p != null) {
            PostgresLogChunk held = p.chunks.get(c.chunk());
            if (held == null) {
                p.chunks.put(c.chunk(), c);
                p.keys.add(key);
                return;
            }
            if (held.text().equals(c.text())) {
                return;
            }
            if (c.chunk() != 1) {
                sink.warning("two different texts for chunk " + c.chunk() + " of " + id + " (stamped " + c.timestamp()
                        + "): the one in " + key + " is left out");
                return;
            }
            // Another first chunk: the process id was reused, and the message open under it is complete as it is.
            settle(p);
        } else {
            Map<Integer, String> done = handedOn.get(id);
            if (done != null && c.chunk() != 1) {
                if (!c.text().equals(done.get(c.chunk()))) {
                    sink.warning("chunk " + c.chunk() + " of " + id + ", stamped " + c.timestamp() + ", arrived in "
                            + key + " after its statement was printed (it came more than --margin after its time):"
                            + " the printed record lacks it; search again with a larger --margin");
                }
                return;
            }
            if (done != null && c.text().equals(done.get(1))) {
                return;
            }
        }
        if (c.timestamp().isBefore(settledBefore)) {
            sink.warning(id + ", stamped " + c.timestamp() + ", arrived in " + key + ", more than --margin after its"
                    + " time: its record is printed out of time order");
        }
        p = new Pending(id, c.timestamp(), order++);
        p.chunks.put(c.chunk(), c);
        p.keys.add(key);
        open.put(id, p);
        bySettling.add(p);
    }

    /** Hands on, in time order, every message stamped before {@code before}: no later object can add to it. */
    void settleBefore(Instant before) {
        if (before.isAfter(settledBefore)) {
            settledBefore = before;
        }
        while (!bySettling.isEmpty() && bySettling.peek().time.isBefore(before)) {
            settle(bySettling.poll());
        }
    }

    /** Hands on every message still open; call once, after the last object. */
    void finish() {
        while (!bySettling.isEmpty()) {
            settle(bySettling.poll());
        }
    }

    private void settle(Pending p) {
        if (p.settled) {
            return;
        }
        p.settled = true;
        Set<String> keys = Collections.unmodifiableSet(new LinkedHashSet<>(p.keys));
        if (p.whole != null) {
            sink.settled(new Settled(List.of(p.whole), keys, p.time, null, true));
            return;
        }
        open.remove(p.id);
        Map<Integer, String> texts = new HashMap<>();
        p.chunks.forEach((n, c) -> texts.put(n, c.text()));
        handedOn.put(p.id, texts);
        List<Integer> missing = new ArrayList<>();
        for (int n = 1; n < p.chunks.lastKey(); n++) {
            if (!p.chunks.containsKey(n)) {
                missing.add(n);
            }
        }
        boolean prefixed = p.chunks.containsKey(1);
        String incomplete = missing.isEmpty() ? null : (missing.size() == 1 ? "chunk " : "chunks ")
                + joined(missing) + " of " + p.id + " missing" + (prefixed ? ""
                : " (the first holds the log prefix: time, user and session unknown)");
        sink.settled(new Settled(ChunkJoiner.join(p.id.procId(), p.id.attachment(), p.id.message(), p.chunks), keys,
                p.time, incomplete, prefixed));
    }

    private static String joined(List<Integer> numbers) {
        List<String> parts = new ArrayList<>();
        numbers.forEach(n -> parts.add(Integer.toString(n)));
        return String.join(", ", parts);
    }
}
