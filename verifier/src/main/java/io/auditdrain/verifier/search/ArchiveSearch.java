package io.auditdrain.verifier.search;

import io.auditdrain.core.CorruptObjectException;
import io.auditdrain.core.InvalidObjectKeyException;
import io.auditdrain.core.LogplexMessage;
import io.auditdrain.core.ObjectKey;
import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.verifier.db.SqlIdentifier;
import io.auditdrain.verifier.db.SqlText;
import io.auditdrain.verifier.logs.LoggedMessage;
import io.auditdrain.verifier.logs.PostgresLogEntry;
import io.auditdrain.verifier.logs.VerifierWrites;
import io.auditdrain.verifier.store.ArchiveReader;
import io.auditdrain.verifier.store.StoredObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds the statements an app's databases logged in a time range: it lists only the keys of the range (through
 * {@link ObjectKeyLayout}, as smoke does), reads each object once, joins Heroku Postgres chunks whatever order and
 * objects they arrive in ({@link SettledMessages}), reads each message with {@link PostgresLogEntry} and hands on
 * every statement line ({@code statement:}, {@code execute <name>:}, pgaudit {@code AUDIT:}) stamped in the range
 * that meets the criteria, with the bind parameters of its DETAIL line, in time order across processes. A statement
 * that cannot be completed is handed on marked incomplete, with a warning.
 *
 * <p>An object is named after its newest line, so a line stamped before {@code to} can be in an object named a
 * little after it (lines that waited in Logplex's buffer, a statement whose last chunk came later): listing goes on
 * for {@code margin} past {@code to}, a message is complete once the objects read are named more than the margin
 * after it, and each statement is kept or dropped by its own time.
 */
public final class ArchiveSearch {

    /**
     * What to look for.
     *
     * @param table    only statements that write this table (INSERT, UPDATE, DELETE, TRUNCATE, COPY, MERGE)
     * @param role     only statements of this login role ({@code user="..."})
     * @param contains only statements (or their parameters) that contain this text
     * @param verifierRole    the restricted role the verifier runs as: its tracer and probe statements, logged by
     *                        that role (and only by it), are marked in {@link Match#verifier()}
     * @param withoutVerifier leave those statements out
     */
    public record Criteria(Instant from, Instant to, Optional<SqlIdentifier> table, Optional<String> role,
                           Optional<String> contains, Duration margin, Optional<String> verifierRole,
                           boolean withoutVerifier) {
        public Criteria {
            if (!from.isBefore(to)) {
                throw new IllegalArgumentException("--from must be before --to");
            }
            if (withoutVerifier && verifierRole.isEmpty()) {
                throw new IllegalArgumentException("leaving out the verifier's statements needs its role");
            }
        }

        /** No statement marked as the verifier's. */
        public Criteria(Instant from, Instant to, Optional<SqlIdentifier> table, Optional<String> role,
                        Optional<String> contains, Duration margin) {
            this(from, to, table, role, contains, margin, Optional.empty(), false);
        }
    }

    /**
     * One logged statement.
     *
     * @param kind       {@code statement}, {@code execute} or {@code audit}
     * @param durationMs set on a {@code duration: ... ms  statement:} line, which repeats a logged statement
     * @param parameters the bind values of an {@code execute} line (its DETAIL line), or null
     * @param keys       the objects its chunks were read from; the first holds its first chunk
     * @param incomplete why the statement is not whole (a chunk missing from the archive), or null when it is
     * @param verifier   {@code tracer} or {@code probe} when it is the verifier's own write (smoke's tracer INSERT,
     *                   doctor's capture probe) logged by the verifier's role, else null
     */
    public record Match(Instant timestamp, String pid, String sessionId, String logLine, String user, String database,
                        String applicationName, String kind, Double durationMs, String statement, String parameters,
                        List<String> keys, String incomplete, String verifier) {
    }

    /**
     * Where matches go, in time order: a message is complete only when no object still to be read can hold a chunk
     * of it, so matches wait until the objects read are named more than the margin after them.
     */
    public interface Sink {
        void match(Match match);
    }

    /** What a long search reports while it reads; each method does nothing unless overridden. */
    public interface Progress {
        default void listed(int objects) {
        }

        default void read(int objectsRead, int objects, int matches) {
        }

        default void skipped(String key, String reason) {
        }

        /** Something an auditor must know about the records: a statement printed incomplete, a chunk too late. */
        default void warning(String warning) {
        }

        Progress NONE = new Progress() {
        };
    }

    /**
     * What a search did.
     *
     * @param incomplete           matches printed incomplete
     * @param incompleteUnmatched  incomplete messages of the range that did not match as far as their chunks go
     */
    public record Summary(int objectsListed, int objectsRead, int messagesRead, int matches, int joinedAcrossObjects,
                          int incomplete, int incompleteUnmatched) {
    }

    private static final Pattern PARAMETERS = Pattern.compile("^parameters: ");
    /** Time, then the line's place in its session. */
    private static final Comparator<Match> IN_TIME_ORDER = Comparator.comparing(Match::timestamp)
            .thenComparing(m -> m.sessionId() == null ? "" : m.sessionId())
            .thenComparingLong(ArchiveSearch::logLineNumber);
    /** Lines remembered to drop the copy a second drain stores during a rotation. */
    private static final int DEDUPLICATION_WINDOW = 100_000;

    private final ArchiveReader store;
    private final String app;
    private final Progress progress;

    public ArchiveSearch(ArchiveReader store, String app, Progress progress) {
        this.store = store;
        this.app = app;
        this.progress = progress;
    }

    public Summary search(Criteria criteria, Sink sink) {
        List<StoredObject> objects = store.listStamped(app, criteria.from(), criteria.to().plus(criteria.margin()));
        progress.listed(objects.size());
        Tally tally = new Tally();
        Waiting waiting = new Waiting();
        SettledMessages messages = new SettledMessages(new SettledMessages.Sink() {
            @Override
            public void settled(SettledMessages.Settled message) {
                match(message, criteria, tally).ifPresent(waiting::add);
            }

            @Override
            public void warning(String warning) {
                progress.warning(warning);
            }
        });
        String end = ObjectKeyLayout.startAfter(app, criteria.to().plus(criteria.margin()));
        for (StoredObject object : objects) {
            ObjectKey key;
            try {
                key = ObjectKeyLayout.parse(object.key());
            } catch (InvalidObjectKeyException e) {
                progress.skipped(object.key(), "not a key of the layout");
                continue;
            }
            if (object.key().compareTo(end) >= 0 || !key.app().equals(app)) {
                continue;
            }
            Instant settled = key.time().minus(criteria.margin());
            messages.settleBefore(settled);
            waiting.flushBefore(settled, sink, tally, progress);
            List<String> lines;
            try {
                lines = store.readMessages(object.key());
            } catch (CorruptObjectException e) {
                progress.skipped(object.key(), e.getMessage());
                continue;
            }
            tally.objectsRead++;
            for (String line : lines) {
                LogplexMessage.parse(line).ifPresent(m -> messages.accept(m, object.key()));
            }
            progress.read(tally.objectsRead, objects.size(), tally.matches);
        }
        messages.finish();
        waiting.flushBefore(Instant.MAX, sink, tally, progress);
        return new Summary(objects.size(), tally.objectsRead, tally.messagesRead, tally.matches,
                tally.joinedAcrossObjects, tally.incomplete, tally.incompleteUnmatched);
    }

    /**
     * Matches not yet handed on, in time order. The same line stored twice (two drains during a rotation, under
     * other keys) is handed on once.
     */
    private static final class Waiting {
        /** In time order; the identity breaks ties, so that no two matches share a place. */
        private final TreeMap<Match, String> queue = new TreeMap<>(IN_TIME_ORDER.thenComparing(ArchiveSearch::identity));
        private final Set<String> seen = Collections.newSetFromMap(new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > DEDUPLICATION_WINDOW;
            }
        });

        void add(Match m) {
            String id = identity(m);
            if (seen.add(id)) {
                queue.put(m, id);
            }
        }

        void flushBefore(Instant settled, Sink sink, Tally tally, Progress progress) {
            while (!queue.isEmpty() && queue.firstKey().timestamp().isBefore(settled)) {
                Match m = queue.pollFirstEntry().getKey();
                tally.matches++;
                tally.joinedAcrossObjects += m.keys().size() > 1 ? 1 : 0;
                if (m.incomplete() != null) {
                    tally.incomplete++;
                    progress.warning("the statement of " + m.timestamp() + (m.sessionId() == null ? ""
                            : " (session " + m.sessionId() + ", log line " + m.logLine() + ")") + " is printed"
                            + " incomplete: " + m.incomplete() + " (read from " + String.join(", ", m.keys()) + ")");
                }
                sink.match(m);
            }
        }
    }

    /** The counts of one search. */
    private static final class Tally {
        int objectsRead;
        /** Heroku Postgres messages completed (one handed on again after a late chunk counts twice). */
        int messagesRead;
        int matches;
        int joinedAcrossObjects;
        int incomplete;
        int incompleteUnmatched;
    }

    private static Optional<Match> match(SettledMessages.Settled completed, Criteria c, Tally tally) {
        tally.messagesRead++;
        Optional<Match> match = completed.prefixed() ? matchStatement(completed, c) : matchFragment(completed, c);
        if (match.isEmpty() && completed.incomplete() != null && !completed.time().isBefore(c.from())
                && completed.time().isBefore(c.to())) {
            tally.incompleteUnmatched++;
        }
        return match;
    }

    private static Optional<Match> matchStatement(SettledMessages.Settled completed, Criteria c) {
        if (!mayMatch(completed.lines(), c)) {
            return Optional.empty();
        }
        PostgresLogEntry entry = PostgresLogEntry.parse(completed.lines().get(0));
        if (!entry.isStatement() && entry.kind() != PostgresLogEntry.Kind.AUDIT) {
            return Optional.empty();
        }
        if (entry.timestamp().isBefore(c.from()) || !entry.timestamp().isBefore(c.to())) {
            return Optional.empty();
        }
        String parameters = parameters(completed.lines());
        if (c.role().isPresent() && !c.role().equals(entry.user())) {
            return Optional.empty();
        }
        // An incomplete statement may lack the piece that names the table: it is kept if what is left names it.
        if (c.table().isPresent() && !writesOrNames(entry, c.table().get()) && completed.incomplete() == null) {
            return Optional.empty();
        }
        if (c.contains().isPresent() && !entry.statement().contains(c.contains().get())
                && (parameters == null || !parameters.contains(c.contains().get()))) {
            return Optional.empty();
        }
        String verifier = c.verifierRole().flatMap(r -> VerifierWrites.recognise(entry, commands(entry), r))
                .map(k -> k.name().toLowerCase(Locale.ROOT)).orElse(null);
        if (verifier != null && c.withoutVerifier()) {
            return Optional.empty();
        }
        return Optional.of(new Match(entry.timestamp(), entry.pid().orElse(null), entry.sessionId().orElse(null),
                entry.logLine().orElse(null), entry.user().orElse(null), entry.database().orElse(null),
                entry.applicationName().orElse(null), entry.kind().name().toLowerCase(Locale.ROOT),
                entry.durationMs(), entry.statement(), parameters, List.copyOf(completed.keys()),
                completed.incomplete(), verifier));
    }

    /** What the statement does to tables (INSERT, UPDATE, ...), as writers reads it. */
    private static Set<String> commands(PostgresLogEntry entry) {
        Set<String> commands = new HashSet<>();
        for (String reading : entry.readings()) {
            for (SqlText.TableWrite w : SqlText.writes(reading)) {
                commands.add(w.command());
            }
        }
        return commands;
    }

    /**
     * The pieces of a message whose first chunk is missing: no prefix says its time, user or kind, so it is a
     * record when it lies in the range and its text could meet the criteria (the role cannot be told: kept).
     */
    private static Optional<Match> matchFragment(SettledMessages.Settled completed, Criteria c) {
        if (completed.time().isBefore(c.from()) || !completed.time().isBefore(c.to())
                || !mayMatch(completed.lines(), new Criteria(c.from(), c.to(), c.table(), Optional.empty(),
                c.contains(), c.margin()))) {
            return Optional.empty();
        }
        LoggedMessage first = completed.lines().get(0);
        String pid = first.procId().startsWith("postgres.") ? first.procId().substring("postgres.".length()) : null;
        return Optional.of(new Match(completed.time(), pid, null, null, null, null, null, "fragment", null,
                first.compact(), null, List.copyOf(completed.keys()), completed.incomplete(), null));
    }

    /**
     * Whether the message's text could meet the criteria at all: a statement that writes the table names it, one of
     * the role carries {@code user="<role>"}, and the text sought is in one of its lines. Most messages are passed
     * over here, before their prefix and SQL are read.
     */
    private static boolean mayMatch(List<LoggedMessage> lines, Criteria c) {
        String text = lines.get(0).compact();
        if (c.table().isPresent() && !text.toLowerCase(Locale.ROOT).contains(c.table().get().name()
                .toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (c.role().isPresent() && !text.contains("user=\"" + c.role().get() + "\"")) {
            return false;
        }
        if (c.contains().isPresent()) {
            for (LoggedMessage line : lines) {
                if (line.compact().contains(c.contains().get())) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    /**
     * Whether the statement writes the table, in any reading of the line (a hostile application_name cannot hide
     * it); a pgaudit line names the table as its object.
     */
    private static boolean writesOrNames(PostgresLogEntry entry, SqlIdentifier table) {
        String name = table.name().toLowerCase(Locale.ROOT);
        String schema = table.schema() == null ? null : table.schema().toLowerCase(Locale.ROOT);
        if (entry.kind() == PostgresLogEntry.Kind.AUDIT) {
            String text = entry.statement().toLowerCase(Locale.ROOT);
            return text.contains("," + (schema == null ? "" : schema + ".") + name + ",")
                    || schema == null && Pattern.compile(",[a-z_][a-z0-9_$]*\\." + Pattern.quote(name) + ",")
                    .matcher(text).find();
        }
        for (String reading : entry.readings()) {
            for (SqlText.TableWrite w : SqlText.writes(reading)) {
                if (w.table().equals(name) && (schema == null || w.schema() == null || w.schema().equals(schema))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The bind values of an extended-protocol statement, from its {@code DETAIL:  parameters: ...} line. */
    private static String parameters(List<LoggedMessage> lines) {
        for (int i = 1; i < lines.size(); i++) {
            PostgresLogEntry detail = PostgresLogEntry.parse(lines.get(i));
            if ("DETAIL".equals(detail.severity()) && PARAMETERS.matcher(detail.statement()).find()) {
                return detail.statement().substring("parameters: ".length());
            }
        }
        return null;
    }

    /** {@code log_line} as a number (0 when it is none), so that line 10 sorts after line 9. */
    private static long logLineNumber(Match m) {
        String n = m.logLine();
        if (n == null || n.isEmpty() || n.length() > 18) {
            return 0;
        }
        for (int i = 0; i < n.length(); i++) {
            if (n.charAt(i) < '0' || n.charAt(i) > '9') {
                return 0;
            }
        }
        return Long.parseLong(n);
    }

    /** The same line stored twice (two drains during a rotation) is one match. */
    private static String identity(Match m) {
        return m.sessionId() == null || m.logLine() == null
                ? m.timestamp() + "/" + m.pid() + "/" + m.kind() + "/" + m.statement()
                : m.sessionId() + "/" + m.logLine() + "/" + m.kind();
    }
}
