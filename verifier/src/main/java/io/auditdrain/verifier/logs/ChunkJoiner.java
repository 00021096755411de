package io.auditdrain.verifier.logs;

import io.auditdrain.core.LogplexMessage;
import java.util.LinkedHashMap;
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
        return Optional.of(join(key, chunks));
    }

    private static LoggedMessage join(Group key, TreeMap<Integer, PostgresLogChunk> chunks) {
        StringBuilder text = new StringBuilder();
        StringBuilder compact = new StringBuilder();
        boolean first = true;
        for (PostgresLogChunk c : chunks.values()) {
            if (!first && c.startsLogLine()) {
                break;
            }
            if (!first) {
                text.append('\n');
            }
            text.append(c.text());
            compact.append(c.text());
            first = false;
        }
        PostgresLogChunk head = chunks.firstEntry().getValue();
        return new LoggedMessage(key.procId(), key.attachment(), key.message(), chunks.size(), text.toString(),
                compact.toString(), head.timestamp());
    }
}
