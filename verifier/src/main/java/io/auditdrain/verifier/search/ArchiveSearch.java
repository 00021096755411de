package io.auditdrain.verifier.search;

import io.auditdrain.core.CorruptObjectException;
import io.auditdrain.core.InvalidObjectKeyException;
import io.auditdrain.core.LogplexMessage;
import io.auditdrain.core.ObjectKey;
import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.verifier.db.SqlIdentifier;
import io.auditdrain.verifier.db.SqlText;
import io.auditdrain.verifier.logs.CompletedMessages;
import io.auditdrain.verifier.logs.LoggedMessage;
import io.auditdrain.verifier.logs.PostgresLogEntry;
import io.auditdrain.verifier.store.ArchiveReader;
import io.auditdrain.verifier.store.StoredObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
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
 * {@link ObjectKeyLayout}, as smoke does), reads each object once, joins Heroku Postgres chunks across objects
 * ({@link CompletedMessages}), reads each message with {@link PostgresLogEntry} and hands on every statement line
 * ({@code statement:}, {@code execute <name>:}, pgaudit {@code AUDIT:}) stamped in the range that meets the criteria,
 * with the bind parameters of its DETAIL line.
 *
 * <p>An object is named after its newest line, so a line stamped before {@code to} can be in an object named a
 * little after it (lines that waited in Logplex's buffer, a statement whose last chunk came later): listing goes on
 * for {@code margin} past {@code to}, and each statement is kept or dropped by its own time.
 */
public final class ArchiveSearch {

    /**
     * What to look for.
     *
     * @param table    only statements that write this table (INSERT, UPDATE, DELETE, TRUNCATE, COPY, MERGE)
     * @param role     only statements of this login role ({@code user="..."})
     * @param contains only statements (or their parameters) that contain this text
     */
    public record Criteria(Instant from, Instant to, Optional<SqlIdentifier> table, Optional<String> role,
                           Optional<String> contains, Duration margin) {
        public Criteria {
            if (!from.isBefore(to)) {
                throw new IllegalArgumentException("--from must be before --to");
            }
        }
    }

    /**
     * One logged statement.
     *
     * @param kind       {@code statement}, {@code execute} or {@code audit}
     * @param durationMs set on a {@code duration: ... ms  statement:} line, which repeats a logged statement
     * @param parameters the bind values of an {@code execute} line (its DETAIL line), or null
     * @param keys       the objects its chunks were read from; the first holds its first chunk
     */
    public record Match(Instant timestamp, String pid, String sessionId, String logLine, String user, String database,
                        String applicationName, String kind, Double durationMs, String statement, String parameters,
                        List<String> keys) {
    }

    /**
     * Where matches go, in time order: objects of the same second sort in any order and a message is complete only
     * when its process logs the next one, so matches wait until no object still to be read can hold an earlier
     * statement (its key is more than the margin later).
     */
    public interface Sink {
        void match(Match match);
    }

    /** What a long search reports while it reads. */
    public interface Progress {
        void listed(int objects);

        void read(int objectsRead, int objects, int matches);

        void skipped(String key, String reason);

        Progress NONE = new Progress() {
            @Override
            public void listed(int objects) {
            }

            @Override
            public void read(int objectsRead, int objects, int matches) {
            }

            @Override
            public void skipped(String key, String reason) {
            }
        };
    }

    /** What a search did. */
    public record Summary(int objectsListed, int objectsRead, int messagesRead, int matches, int joinedAcrossObjects) {
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
        CompletedMessages messages = new CompletedMessages(completed -> match(completed, criteria, tally)
                .ifPresent(waiting::add));
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
            waiting.flushBefore(key.time().minus(criteria.margin()), sink, tally);
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
        waiting.flushBefore(Instant.MAX, sink, tally);
        return new Summary(objects.size(), tally.objectsRead, tally.messagesRead, tally.matches,
                tally.joinedAcrossObjects);
    }

    /**
     * Matches not yet handed on, in time order. A message handed on again (a late chunk completed it anew) replaces
     * its earlier version; one already handed on (the copy a second drain stored) is not handed on twice.
     */
    private static final class Waiting {
        /** In time order; the identity breaks ties, so that no two matches share a place. */
        private final TreeMap<Match, String> queue = new TreeMap<>(IN_TIME_ORDER.thenComparing(ArchiveSearch::identity));
        private final Map<String, Match> byIdentity = new HashMap<>();
        private final Set<String> handedOn = Collections.newSetFromMap(new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > DEDUPLICATION_WINDOW;
            }
        });

        void add(Match m) {
            String id = identity(m);
            if (handedOn.contains(id)) {
                return;
            }
            Match earlier = byIdentity.put(id, m);
            if (earlier != null) {
                queue.remove(earlier);
            }
            queue.put(m, id);
        }

        void flushBefore(Instant settled, Sink sink, Tally tally) {
            while (!queue.isEmpty() && queue.firstKey().timestamp().isBefore(settled)) {
                Map.Entry<Match, String> first = queue.pollFirstEntry();
                byIdentity.remove(first.getValue());
                handedOn.add(first.getValue());
                tally.matches++;
                tally.joinedAcrossObjects += first.getKey().keys().size() > 1 ? 1 : 0;
                sink.match(first.getKey());
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
    }

    private static Optional<Match> match(CompletedMessages.Completed completed, Criteria c, Tally tally) {
        tally.messagesRead++;
        if (!mayMatch(completed, c)) {
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
        if (c.table().isPresent() && !writesOrNames(entry, c.table().get())) {
            return Optional.empty();
        }
        if (c.contains().isPresent() && !entry.statement().contains(c.contains().get())
                && (parameters == null || !parameters.contains(c.contains().get()))) {
            return Optional.empty();
        }
        return Optional.of(new Match(entry.timestamp(), entry.pid().orElse(null), entry.sessionId().orElse(null),
                entry.logLine().orElse(null), entry.user().orElse(null), entry.database().orElse(null),
                entry.applicationName().orElse(null), entry.kind().name().toLowerCase(Locale.ROOT),
                entry.durationMs(), entry.statement(), parameters, List.copyOf(completed.keys())));
    }

    /**
     * Whether the message's text could meet the criteria at all: a statement that writes the table names it, one of
     * the role carries {@code user="<role>"}, and the text sought is in one of its lines. Most messages are passed
     * over here, before their prefix and SQL are read.
     */
    private static boolean mayMatch(CompletedMessages.Completed completed, Criteria c) {
        String text = completed.lines().get(0).compact();
        if (c.table().isPresent() && !text.toLowerCase(Locale.ROOT).contains(c.table().get().name()
                .toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (c.role().isPresent() && !text.contains("user=\"" + c.role().get() + "\"")) {
            return false;
        }
        if (c.contains().isPresent()) {
            for (LoggedMessage line : completed.lines()) {
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
