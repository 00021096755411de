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

    /**
     * The message that {@code m} belongs to, joined with the chunks seen so far; empty for a message that is not
     * from a Postgres process.
     */
    public Optional<LoggedMessage> accept(LogplexMessage m) {
        if (!PostgresLogChunk.isPostgres(m)) {
            return Optional.empty();
        }
        Optional<PostgresLogChunk> parsed = PostgresLogChunk.parse(m);
        if (parsed.isEmpty()) {
            // A Postgres line without a sequence: a message of its own.
            return Optional.of(new LoggedMessage(m.procId(), "", -1, 1, m.text(), m.text(), m.timestamp()));
        }
        PostgresLogChunk chunk = parsed.get();
        Group key = new Group(chunk.procId(), chunk.attachment(), chunk.message());
        TreeMap<Integer, PostgresLogChunk> chunks = open.computeIfAbsent(key, k -> new TreeMap<>());
        if (chunk.chunk() == 1 && chunks.containsKey(1)) {
            chunks.clear();
        }
        chunks.put(chunk.chunk(), chunk);
        return Optional.of(joinLines(key, chunks).get(0));
    }

    /**
     * Like {@link #accept}, but every log line of the message joined so far: first the message itself (what
     * {@code accept} returns), then each later line that carries its own prefix ({@code DETAIL:  parameters: ...},
     * {@code HINT:}, ...), joined from its own chunks.
     */
    public Optional<List<LoggedMessage>> acceptLines(LogplexMessage m) {
        Optional<LoggedMessage> first = accept(m);
        if (first.isEmpty() || first.get().message() < 0) {
            return first.map(List::of);
        }
        LoggedMessage message = first.get();
        TreeMap<Integer, PostgresLogChunk> chunks = open.get(new Group(message.procId(), message.attachment(),
                message.message()));
        return Optional.of(chunks == null ? List.of(message)
                : joinLines(new Group(message.procId(), message.attachment(), message.message()), chunks));
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
