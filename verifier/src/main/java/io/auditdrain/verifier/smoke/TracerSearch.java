package io.auditdrain.verifier.smoke;

import io.auditdrain.core.CorruptObjectException;
import io.auditdrain.core.InvalidObjectKeyException;
import io.auditdrain.core.LogplexMessage;
import io.auditdrain.core.ObjectKey;
import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.verifier.logs.ChunkJoiner;
import io.auditdrain.verifier.logs.LoggedMessage;
import io.auditdrain.verifier.logs.StatementMatcher;
import io.auditdrain.verifier.store.ArchiveReader;
import io.auditdrain.verifier.store.StoredObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Polls the store for the tracer's statement. Keys sort by the time of the newest message they hold, so each poll
 * lists, per UTC day from the INSERT's day to today's, only the keys after a start point: first
 * {@code insert time - margin}, later {@code newest key seen - margin} (so an object stored a little out of order is
 * still found), skipping keys already read. Each object is downloaded and decompressed once; Postgres chunks are
 * joined across objects; the search stops at the first message that names the table and holds the tag.
 */
public final class TracerSearch {

    /** What the search reports while it runs. */
    public interface Progress {
        void polled(int poll, Duration elapsed, int newObjects, int objectsRead);

        void skipped(String key, String reason);

        Progress NONE = new Progress() {
            @Override
            public void polled(int poll, Duration elapsed, int newObjects, int objectsRead) {
            }

            @Override
            public void skipped(String key, String reason) {
            }
        };
    }

    /**
     * @param margin   how far before the INSERT (and behind the newest key seen) listing starts: covers whole-second
     *                 log timestamps, clock skew and objects stored out of order
     * @param interval the pause between polls
     * @param timeout  how long to look before giving up
     */
    public record Settings(Duration margin, Duration interval, Duration timeout) {
        public Settings {
            if (margin.isNegative() || interval.isNegative() || interval.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("margin and timeout must be >= 0, interval > 0");
            }
        }
    }

    /** How a search ended. */
    public sealed interface Outcome permits Found, NotFound {
        int objectsRead();

        Duration elapsed();
    }

    /** The tracer was found in {@code key}. */
    public record Found(StoredObject object, ObjectKey key, LoggedMessage message, StatementMatcher.Match match,
                        int objectsRead, Duration elapsed) implements Outcome {
    }

    /** The timeout passed first. */
    public record NotFound(int polls, int objectsRead, int objectsSkipped, Duration elapsed) implements Outcome {
    }

    private final ArchiveReader store;
    private final String app;
    private final Settings settings;
    private final Clock clock;
    private final Progress progress;

    public TracerSearch(ArchiveReader store, String app, Settings settings, Clock clock, Progress progress) {
        this.store = store;
        this.app = app;
        this.settings = settings;
        this.clock = clock;
        this.progress = progress;
    }

    public Outcome search(Instant insertTime, StatementMatcher matcher) {
        long start = System.nanoTime();
        Instant from = insertTime.minus(settings.margin());
        Set<String> seen = new HashSet<>();
        ChunkJoiner joiner = new ChunkJoiner();
        Instant newestSeen = null;
        int objectsRead = 0;
        int skipped = 0;
        for (int poll = 1; ; poll++) {
            Instant now = clock.instant();
            Instant listFrom = from;
            if (newestSeen != null) {
                Instant lagged = (newestSeen.isAfter(now) ? now : newestSeen).minus(settings.margin());
                if (lagged.isAfter(listFrom)) {
                    listFrom = lagged;
                }
            }
            Instant to = (now.isAfter(insertTime) ? now : insertTime).plus(settings.margin());
            int newObjects = 0;
            for (StoredObject object : store.listStamped(app, listFrom, to)) {
                if (!seen.add(object.key())) {
                    continue;
                }
                ObjectKey key;
                try {
                    key = ObjectKeyLayout.parse(object.key());
                } catch (InvalidObjectKeyException e) {
                    skipped++;
                    progress.skipped(object.key(), "not a key of the layout");
                    continue;
                }
                newObjects++;
                objectsRead++;
                if (newestSeen == null || key.time().isAfter(newestSeen)) {
                    newestSeen = key.time();
                }
                Optional<Found> found = scan(object, key, joiner, matcher, objectsRead, start);
                if (found.isPresent()) {
                    progress.polled(poll, elapsedSince(start), newObjects, objectsRead);
                    return found.get();
                }
            }
            Duration elapsed = elapsedSince(start);
            progress.polled(poll, elapsed, newObjects, objectsRead);
            Duration left = settings.timeout().minus(elapsed);
            if (left.isNegative() || left.isZero()) {
                return new NotFound(poll, objectsRead, skipped, elapsed);
            }
            pause(left.compareTo(settings.interval()) < 0 ? left : settings.interval());
        }
    }

    private Optional<Found> scan(StoredObject object, ObjectKey key, ChunkJoiner joiner, StatementMatcher matcher,
                                 int objectsRead, long start) {
        List<String> lines;
        try {
            lines = store.readMessages(object.key());
        } catch (CorruptObjectException e) {
            progress.skipped(object.key(), e.getMessage());
            return Optional.empty();
        }
        for (String line : lines) {
            Optional<LogplexMessage> message = LogplexMessage.parse(line);
            if (message.isEmpty()) {
                continue;
            }
            Optional<LoggedMessage> logged = joiner.accept(message.get());
            if (logged.isEmpty()) {
                continue;
            }
            Optional<StatementMatcher.Match> match = matcher.match(logged.get());
            if (match.isPresent()) {
                return Optional.of(new Found(object, key, logged.get(), match.get(), objectsRead,
                        elapsedSince(start)));
            }
        }
        return Optional.empty();
    }

    private static Duration elapsedSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the next poll", e);
        }
    }
}
