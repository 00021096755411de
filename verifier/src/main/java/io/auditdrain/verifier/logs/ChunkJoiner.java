package io.auditdrain.verifier.logs;

import io.auditdrain.core.LogplexMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Joins the {@code [N-M]} chunks of Heroku Postgres messages, across objects as they are read. Each accepted chunk
 * yields its message as joined so far, so that a reader can match as soon as the deciding piece arrives, whatever
 * the order the chunks come in. Chunks are grouped by process, attachment and message number; a new chunk 1 for a
 * group that already has one starts the group afresh (a reused pid).
 *
 * <p>A later chunk that carries its own prefix ({@code sql_error_code = ...}) is not more of the statement: it is the
 * next line of the same message, such as {@code DETAIL:  parameters: $1 = '...'} for a statement sent with bind
 * parameters. The joined text stops before it, so that a tag found only among bind values never counts.
 */
public final class ChunkJoiner {

    /** Messages kept for joining; the oldest are dropped beyond this, bounding memory on a busy database. */
    private static final int MAX_OPEN_MESSAGES = 20_000;

    private record Group(String procId, String attachment, long message) {
    }

    private final Map<Group, TreeMap<Integer, PostgresLogChunk>> open = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Group, TreeMap<Integer, PostgresLogChunk>> eldest) {
            return size() > MAX_OPEN_MESSAGES;
        }
    };

    /** Where {@link #collect} put a drained message. */
    public sealed interface Collected permits Whole, Part {
    }

    /** A Postgres line without a sequence: a message of its own. */
    public record Whole(LoggedMessage message) implements Collected {
    }

    /**
     * A chunk of message {@code message} of a process, held until {@link #lines} joins it.
     *
     * @param chunks how many chunks of the message have been collected, this one included
     */
    public record Part(String procId, String attachment, long message, int chunks) implements Collected {
    }

    /**
     * The message that {@code m} belongs to, joined with the chunks seen so far; empty for a message that is not
     * from a Postgres process.
     */
    public Optional<LoggedMessage> accept(LogplexMessage m) {
        return collect(m).map(c -> c instanceof Whole w ? w.message() : lines((Part) c).get(0));
    }

    /**
     * Holds the chunk {@code m} without joining anything yet (a reader that needs a message only once it is
     * complete joins it once, with {@link #lines}); empty for a message that is not from a Postgres process.
     */
    public Optional<Collected> collect(LogplexMessage m) {
        if (!PostgresLogChunk.isPostgres(m)) {
            return Optional.empty();
        }
        Optional<PostgresLogChunk> parsed = PostgresLogChunk.parse(m);
        if (parsed.isEmpty()) {
            return Optional.of(new Whole(new LoggedMessage(m.procId(), "", -1, 1, m.text(), m.text(),
                    m.timestamp())));
        }
        PostgresLogChunk chunk = parsed.get();
        Group key = new Group(chunk.procId(), chunk.attachment(), chunk.message());
        TreeMap<Integer, PostgresLogChunk> chunks = open.computeIfAbsent(key, k -> new TreeMap<>());
        if (chunk.chunk() == 1 && chunks.containsKey(1)) {
            chunks.clear();
        }
        chunks.put(chunk.chunk(), chunk);
        return Optional.of(new Part(key.procId(), key.attachment(), key.message(), chunks.size()));
    }

    /**
     * Every log line of a collected message, joined from the chunks held so far: first the message itself (what
     * {@link #accept} returns), then each later line that carries its own prefix ({@code DETAIL:  parameters: ...},
     * {@code HINT:}, ...). Empty when the message's chunks were dropped (more than 20,000 messages open at once).
     */
    public List<LoggedMessage> lines(Part part) {
        Group key = new Group(part.procId(), part.attachment(), part.message());
        TreeMap<Integer, PostgresLogChunk> chunks = open.get(key);
        return chunks == null || chunks.isEmpty() ? List.of() : joinLines(key, chunks);
    }

    /**
     * The log lines of one message from its chunks, held elsewhere (search holds them until no later object can add
     * one): as {@link #lines}, and empty for no chunks.
     */
    public static List<LoggedMessage> join(String procId, String attachment, long message,
                                           TreeMap<Integer, PostgresLogChunk> chunks) {
        return chunks.isEmpty() ? List.of() : joinLines(new Group(procId, attachment, message), chunks);
    }

    /** The message's log lines: a new one starts at each chunk after the first that carries its own prefix. */
    private static List<LoggedMessage> joinLines(Group key, TreeMap<Integer, PostgresLogChunk> chunks) {
        List<LoggedMessage> lines = new ArrayList<>(1);
        StringBuilder text = new StringBuilder();
        StringBuilder compact = new StringBuilder();
        int count = 0;
        for (PostgresLogChunk c : chunks.values()) {
            if (count > 0 && c.startsLogLine()) {
                lines.add(line(key, lines.isEmpty() ? chunks.size() : count, text, compact));
                text.setLength(0);
                compact.setLength(0);
                count = 0;
            }
            if (count > 0) {
                text.append('\n');
            }
            text.append(c.text());
            compact.append(c.text());
            count++;
        }
        lines.add(line(key, lines.isEmpty() ? chunks.size() : count, text, compact));
        Instant time = chunks.firstEntry().getValue().timestamp();
        List<LoggedMessage> stamped = new ArrayList<>(lines.size());
        for (LoggedMessage l : lines) {
            stamped.add(new LoggedMessage(l.procId(), l.attachment(), l.message(), l.chunks(), l.text(), l.compact(),
                    time));
        }
        return stamped;
    }

    private static LoggedMessage line(Group key, int chunks, StringBuilder text, StringBuilder compact) {
        return new LoggedMessage(key.procId(), key.attachment(), key.message(), chunks, text.toString(),
                compact.toString(), null);
    }
}
