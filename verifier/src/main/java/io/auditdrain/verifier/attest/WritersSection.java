package io.auditdrain.verifier.attest;

import java.time.Instant;
import java.util.List;

/**
 * Who wrote the audit tables in the period, as the drained statement log shows (doctor's {@code writers} check, over
 * the whole period): per table, each role whose logged statements wrote it.
 *
 * @param allowedRoles      the restricted role and the roles allowed beside it
 * @param objectsRead       drained objects read (every object of the period)
 * @param objectsUnreadable of those, how many were damaged (their lines are not counted)
 * @param statementLines    statement lines of the period, whatever they wrote
 * @param tracerInserts     the scheduled verification's own tracer INSERTs, not counted as writes
 * @param writesWithoutUser writes to an audit table from lines whose prefix names no role
 * @param first             the first object read, or null
 * @param last              the last object read, or null
 */
public record WritersSection(List<String> tables, List<String> allowedRoles, int objectsRead,
                             int objectsUnreadable, long statementLines, long tracerInserts, long writesWithoutUser,
                             List<TableWriters> writers, Evidence first, Evidence last) {

    /** One table's writers. */
    public record TableWriters(String table, List<RoleWrites> roles) {
    }

    /** One role's logged writes to a table: how many statements, which commands, the newest. */
    public record RoleWrites(String role, long statements, List<String> commands, Instant newest, boolean allowed) {
    }

    /** Only allowed roles wrote, and every write names its role. */
    public boolean passed() {
        return writesWithoutUser == 0 && objectsUnreadable == 0
                && writers.stream().flatMap(t -> t.roles().stream()).allMatch(RoleWrites::allowed);
    }

    /** The roles that wrote although they are not allowed to. */
    public List<String> intruders() {
        return writers.stream().flatMap(t -> t.roles().stream().filter(r -> !r.allowed())
                .map(r -> r.role() + " on " + t.table())).toList();
    }
}
