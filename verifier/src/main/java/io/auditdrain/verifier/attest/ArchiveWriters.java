package io.auditdrain.verifier.attest;

import io.auditdrain.core.CorruptObjectException;
import io.auditdrain.core.LogplexMessage;
import io.auditdrain.verifier.db.SqlIdentifier;
import io.auditdrain.verifier.logs.WriteTally;
import io.auditdrain.verifier.store.ArchiveReader;
import io.auditdrain.verifier.store.ReadAhead;
import io.auditdrain.verifier.store.StoredObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * The attestation's one way into the writers tally ({@link WriteTally}, what doctor's {@code writers} check counts):
 * it reads every drained object of the period in key order, a few ahead in parallel, feeds the tally the messages
 * stamped in the period, and turns the tally into the attestation's terms. Nothing else of the attestation depends
 * on the tally's classes.
 */
public final class ArchiveWriters {

    /** An object is named after its newest line: objects named this long after the period can hold lines of it. */
    static final Duration MARGIN = Duration.ofMinutes(5);
    private static final ReadAhead READER = new ReadAhead(8, 32);

    private final List<SqlIdentifier> tables;
    private final String role;
    private final Set<String> allowed;

    /**
     * @param tables the audit and history tables, as the operator names them (bare names are in {@code public})
     * @param role   the application's restricted role
     * @param others roles allowed to write beside it
     */
    public ArchiveWriters(List<SqlIdentifier> tables, String role, List<String> others) {
        this.tables = List.copyOf(tables);
        this.role = role;
        this.allowed = new LinkedHashSet<>();
        allowed.add(role);
        allowed.addAll(others);
    }

    /**
     * @param listed   told how many objects there are to read, once they are listed
     * @param progress told how many objects are read, as they are
     */
    public WritersSection tally(ArchiveReader store, String app, Instant from, Instant to, IntConsumer listed,
                                IntConsumer progress) throws Exception {
        List<WriteTally.Table> watched = tables.stream().map(t -> new WriteTally.Table(
                t.schema() == null ? "public" : t.schema(), t.name(), t.display())).toList();
        WriteTally tally = new WriteTally(watched, from, role);
        List<StoredObject> objects = store.listStamped(app, from, to.plus(MARGIN));
        listed.accept(objects.size());
        int damaged = read(store, objects, tally, to, progress);
        tally.finish();
        List<WritersSection.TableWriters> writers = new ArrayList<>();
        for (Map.Entry<String, Map<String, WriteTally.Writer>> table : tally.writers().entrySet()) {
            List<WritersSection.RoleWrites> roles = table.getValue().values().stream()
                    .map(w -> new WritersSection.RoleWrites(w.role(), w.statements(), List.copyOf(w.commands()),
                            w.newest(), allowed.contains(w.role()))).toList();
            writers.add(new WritersSection.TableWriters(table.getKey(), roles));
        }
        return new WritersSection(watched.stream().map(WriteTally.Table::display).toList(), List.copyOf(allowed),
                objects.size(), damaged, tally.statementLines(), tally.tracerInserts(), tally.writesWithoutUser(),
                writers, objects.isEmpty() ? null : Evidence.of(objects.get(0).key()),
                objects.isEmpty() ? null : Evidence.of(objects.get(objects.size() - 1).key()));
    }

    /** Reads the objects in key order, fetching ahead in parallel; returns how many could not be read. */
    private static int read(ArchiveReader store, List<StoredObject> objects, WriteTally tally, Instant to,
                            IntConsumer progress) throws Exception {
        int[] done = new int[2];
        READER.<String, Optional<List<String>>>inOrder(objects.stream().map(StoredObject::key).toList(), key -> {
            try {
                return Optional.of(store.readMessages(key));
            } catch (CorruptObjectException e) {
                return Optional.empty();
            }
        }, (key, lines) -> {
            progress.accept(++done[0]);
            if (lines.isEmpty()) {
                done[1]++;
                return;
            }
            for (String line : lines.get()) {
                Optional<LogplexMessage> message = LogplexMessage.parse(line);
                // Lines after the period are the next period's; a line without a readable time is counted.
                if (message.isPresent() && (message.get().timestamp() == null
                        || message.get().timestamp().isBefore(to))) {
                    tally.accept(message.get());
                }
            }
        });
        return done[1];
    }
}
