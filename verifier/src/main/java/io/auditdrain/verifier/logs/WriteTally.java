package io.auditdrain.verifier.logs;

import io.auditdrain.core.LogplexMessage;
import io.auditdrain.verifier.db.SqlText;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who wrote which table, as the drained statement log shows: fed the messages of the archive in key order, it joins
 * each Heroku Postgres message from its chunks (as smoke does), reads it ({@link PostgresLogEntry}) and, for a
 * statement line stamped in the window, finds the tables it writes ({@link SqlText#writes}) and counts them against
 * the role that logged in ({@code user="..."}).
 *
 * <p>What counts: {@code statement:} and {@code execute <name>:} lines, which {@code log_statement} writes before the
 * statement runs (so an attempt that was then refused counts too). A {@code duration: ... statement:} line repeats a
 * statement already logged, and a pgaudit {@code AUDIT:} line repeats it again; neither is counted, so that no write
 * is counted twice. A line seen twice (two drains during a rotation store the same lines) is counted once, by its
 * {@code session_id} and {@code log_line}. Every reading of a line ({@link PostgresLogEntry#readings()}) is
 * looked at, so a hostile {@code application_name} cannot hide a write.
 *
 * <p>Every write counts against the role that logged it. The verifier's own writes (smoke's tracer INSERT, doctor's
 * capture probe) are counted apart ({@link #tracerInserts()}, {@link #probeStatements()}) only where the restricted
 * role itself logged them ({@link VerifierWrites}): no text and no {@code application_name} can exempt a statement
 * that another role logged, so the tracer or probe of a run with {@code --set-role}, logged under the owner's name,
 * is the owner's write like any other (and {@link Writer#verifierMarked()} says how many of them carried a mark).
 *
 * <p>A table may be written through a view: each watched table can be given under the view's name too
 * ({@link Table} with the view's schema and name and the table's display), and the write counts against the table.
 */
public final class WriteTally {

    /**
     * A table to watch, as the catalog names it; or a view over it, with the view's schema and name and the table's
     * display, so that a write through the view counts against the table.
     */
    public record Table(String schema, String name, String display) {
        boolean isWrittenBy(SqlText.TableWrite w) {
            return name.equals(w.table()) && (w.schema() == null || w.schema().equals(schema));
        }
    }

    /**
     * One role's writes to one table.
     *
     * @param verifierMarked how many of them carry the verifier's tracer or probe mark, which only the restricted
     *                       role's own lines are taken for
     */
    public record Writer(String table, String role, long statements, Instant newest, Set<String> commands,
                         long verifierMarked) {
    }

    /** Lines remembered for de-duplication; copies from two drains arrive close together. */
    private static final int DEDUPLICATION_WINDOW = 100_000;
    /** Processes whose last message is kept open for more chunks; the least recently active are closed first. */
    private static final int OPEN_PROCESSES = 10_000;

    private record Group(String procId, String attachment) {
    }

    private final List<Table> tables;
    private final Instant from;
    private final String restrictedRole;
    private final ChunkJoiner joiner = new ChunkJoiner();
    private final Map<Group, LoggedMessage> open = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Group, LoggedMessage> eldest) {
            if (size() > OPEN_PROCESSES) {
                count(eldest.getValue());
                return true;
            }
            return false;
        }
    };
    private final Set<String> seen = Collections.newSetFromMap(new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > DEDUPLICATION_WINDOW;
        }
    });
    private final Map<String, Map<String, Writer>> writers = new TreeMap<>();
    private long statementLines;
    private long statementLinesWithUser;
    private long writesWithoutUser;
    private long tracerInserts;
    private long probeStatements;

    /**
     * @param from           lines stamped before this are left out (an object can hold lines that waited in Logplex)
     * @param restrictedRole the role whose lines alone can be the verifier's own writes
     */
    public WriteTally(List<Table> tables, Instant from, String restrictedRole) {
        this.tables = List.copyOf(tables);
        this.from = from;
        this.restrictedRole = restrictedRole;
    }

    /** Feeds one drained message; messages that are not from a Postgres process are passed over. */
    public void accept(LogplexMessage m) {
        Optional<LoggedMessage> joined = joiner.accept(m);
        if (joined.isEmpty()) {
            return;
        }
        LoggedMessage message = joined.get();
        if (message.message() < 0) {
            count(message); // a line without a sequence came whole
            return;
        }
        // A message is complete once its process logs its next one; until then each chunk supersedes the last.
        Group group = new Group(message.procId(), message.attachment());
        LoggedMessage previous = open.get(group);
        if (previous != null && previous.message() != message.message()) {
            count(previous);
        }
        open.put(group, message);
    }

    /** Counts the messages still open; call once, after the last message. */
    public void finish() {
        open.values().forEach(this::count);
        open.clear();
    }

    private void count(LoggedMessage message) {
        PostgresLogEntry entry = PostgresLogEntry.parse(message);
        if (!entry.isStatement() || entry.durationMs() != null || entry.timestamp().isBefore(from)) {
            return;
        }
        statementLines++;
        entry.user().ifPresent(u -> statementLinesWithUser++);
        if (entry.readings().stream().noneMatch(this::namesAWatchedTable)) {
            return; // cheap: most statements never name an audit table, and need no SQL reading
        }
        Map<String, Set<String>> written = new LinkedHashMap<>();
        Set<String> commands = new LinkedHashSet<>();
        for (String reading : entry.readings()) {
            for (SqlText.TableWrite w : SqlText.writes(reading)) {
                commands.add(w.command());
                for (Table t : tables) {
                    if (t.isWrittenBy(w)) {
                        written.computeIfAbsent(t.display(), k -> new TreeSet<>()).add(w.command());
                    }
                }
            }
        }
        if (written.isEmpty()) {
            return;
        }
        Optional<String> session = entry.sessionId();
        Optional<String> line = entry.logLine();
        if (session.isPresent() && line.isPresent() && !seen.add(session.get() + "/" + line.get())) {
            return;
        }
        Optional<VerifierWrites.Kind> verifier = VerifierWrites.recognise(entry, commands, restrictedRole);
        if (verifier.isPresent()) {
            if (verifier.get() == VerifierWrites.Kind.TRACER) {
                tracerInserts++;
            } else {
                probeStatements++;
            }
            return;
        }
        if (entry.user().isEmpty()) {
            writesWithoutUser++;
            return;
        }
        String role = entry.user().get();
        long marked = entry.readings().stream().anyMatch(VerifierWrites::carriesMark) ? 1 : 0;
        written.forEach((table, cmds) -> writers.computeIfAbsent(table, k -> new TreeMap<>()).merge(role,
                new Writer(table, role, 1, entry.timestamp(), cmds, marked), WriteTally::add));
    }

    /** Whether a watched table's name occurs in the text at all, in any case (a quoted name keeps its own). */
    private boolean namesAWatchedTable(String text) {
        for (Table t : tables) {
            String name = t.name();
            for (int i = 0; i + name.length() <= text.length(); i++) {
                if (text.regionMatches(true, i, name, 0, name.length())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Writer add(Writer a, Writer b) {
        Set<String> commands = new TreeSet<>(a.commands());
        commands.addAll(b.commands());
        return new Writer(a.table(), a.role(), a.statements() + b.statements(),
                a.newest().isAfter(b.newest()) ? a.newest() : b.newest(), commands,
                a.verifierMarked() + b.verifierMarked());
    }

    /** Table, then role, to what it wrote. */
    public Map<String, Map<String, Writer>> writers() {
        return Collections.unmodifiableMap(writers);
    }

    /** Statement lines read in the window, whatever they wrote. */
    public long statementLines() {
        return statementLines;
    }

    /** Statement lines whose prefix names the role ({@code user="..."}). */
    public long statementLinesWithUser() {
        return statementLinesWithUser;
    }

    /** Writes to a watched table from lines whose prefix has no {@code user=} field: no one to name. */
    public long writesWithoutUser() {
        return writesWithoutUser;
    }

    /** smoke's tracer INSERTs logged by the restricted role, left out. */
    public long tracerInserts() {
        return tracerInserts;
    }

    /** doctor's probe statements logged by the restricted role, left out. */
    public long probeStatements() {
        return probeStatements;
    }
}
