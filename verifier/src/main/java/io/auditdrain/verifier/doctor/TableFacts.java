package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the catalog says about one table and a role: who owns it, and which privileges the role holds through grants
 * (to itself, to PUBLIC, or to any role it can become). Ownership and superuser status are left out on purpose: each
 * has its own check and its own remedy, and a REVOKE would not fix them. Membership is followed through
 * {@code pg_auth_members} ({@link RoleReach}).
 *
 * <p>The grants explain a privilege; the privilege system decides it. {@link #held()} asks
 * {@code has_table_privilege} and {@code has_any_column_privilege} for the role and each role it can become, so that
 * a privilege that no grant on the table shows (one a predefined role such as {@code pg_write_all_data} carries) is
 * found all the same.
 *
 * @param relation   the table as Postgres names it ({@code customer_audit_events}, {@code audit.events})
 * @param ownedByRole the role owns the table, or is a member of the role that does
 * @param grants     table-level ({@code column} null) and column-level privileges the role holds
 * @param held       every privilege the role, or an ordinary role it can become, holds on the table (or a column of
 *                   it); empty when the table is owned within reach
 */
record TableFacts(SqlIdentifier table, boolean exists, String relation, String owner, boolean ownedByRole,
                  String schema, String schemaOwner, boolean schemaOwnedByRole, List<Grant> grants, List<Held> held) {

    /** A privilege and whom it was granted to ({@code PUBLIC}, the role, or a role it is a member of). */
    record Grant(String privilege, String grantee, String column) {
    }

    /** A privilege a role within reach holds, on the table or only on some of its columns. */
    record Held(String privilege, RoleReach.Member holder, boolean columnsOnly) {
    }

    static final List<String> TABLE_PRIVILEGES = List.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE",
            "REFERENCES", "TRIGGER");

    private static final String MEMBER_OF = RoleReach.MEMBER_OF;

    /** The table named by the option: a name without a schema is {@code public}'s, never the search_path's. */
    static TableFacts inspect(Connection c, RoleReach reach, SqlIdentifier table) throws SQLException {
        return inspect(c, reach, table, "to_regclass(?)", table.inPublicUnlessQualified().quoted());
    }

    /** A table found in the catalog, by its oid. */
    static TableFacts inspect(Connection c, RoleReach reach, long oid) throws SQLException {
        return inspect(c, reach, null, "?::oid", Long.toString(oid));
    }

    private static TableFacts inspect(Connection c, RoleReach reach, SqlIdentifier table, String which, String key)
            throws SQLException {
        String role = reach.roles().get(0).name();
        long oid;
        String relation;
        String owner;
        boolean ownedByRole;
        String schema;
        String schemaOwner;
        boolean schemaOwnedByRole;
        try (PreparedStatement ps = c.prepareStatement(MEMBER_OF + """
                SELECT c.oid, c.oid::regclass::text, pg_get_userbyid(c.relowner),
                       c.relowner IN (SELECT oid FROM member_of),
                       n.nspname, pg_get_userbyid(n.nspowner), """ + RoleReach.SCHEMA_OWNED_WITHIN_REACH + "\n" + """
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.oid = """ + which + " AND c.relkind IN ('r', 'p')")) {
            ps.setString(1, role);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new TableFacts(table, false, table == null ? "oid " + key : table.display(), null, false,
                            null, null, false, List.of(), List.of());
                }
                oid = rs.getLong(1);
                relation = rs.getString(2);
                owner = rs.getString(3);
                ownedByRole = rs.getBoolean(4);
                schema = rs.getString(5);
                schemaOwner = rs.getString(6);
                schemaOwnedByRole = rs.getBoolean(7);
            }
        }
        List<Grant> grants = new ArrayList<>();
        // PUBLIC is grantee 0.
        String holds = "(a.grantee = 0 OR a.grantee IN (SELECT oid FROM member_of))";
        String granteeName = "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END";
        try (PreparedStatement ps = c.prepareStatement(MEMBER_OF + "SELECT a.privilege_type, " + granteeName
                + " FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a WHERE c.oid = ? AND " + holds
                + " ORDER BY 2, 1")) {
            ps.setString(1, role);
            ps.setLong(2, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    grants.add(new Grant(rs.getString(1), rs.getString(2), null));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(MEMBER_OF + "SELECT a.privilege_type, " + granteeName
                + ", att.attname"
                + " FROM pg_attribute att CROSS JOIN LATERAL aclexplode(att.attacl) a"
                + " WHERE att.attrelid = ? AND att.attnum > 0 AND NOT att.attisdropped AND " + holds
                + " ORDER BY 3, 2, 1")) {
            ps.setString(1, role);
            ps.setLong(2, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    grants.add(new Grant(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        List<Held> held = ownedByRole ? List.of() : held(c, reach, oid);
        return new TableFacts(table, true, relation, owner, ownedByRole, schema, schemaOwner, schemaOwnedByRole,
                List.copyOf(grants), held);
    }

    private static List<Held> held(Connection c, RoleReach reach, long oid) throws SQLException {
        List<Held> held = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT r.oid, p.priv, has_table_privilege(r.oid, ?::oid, p.priv),
                       CASE WHEN p.priv IN ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES')
                            THEN has_any_column_privilege(r.oid, ?::oid, p.priv) ELSE false END
                FROM unnest(?::bigint[]) AS r(oid) CROSS JOIN unnest(?::text[]) WITH ORDINALITY AS p(priv, n)
                ORDER BY p.n""")) {
            ps.setLong(1, oid);
            ps.setLong(2, oid);
            ps.setArray(3, c.createArrayOf("int8", reach.ordinaryOids()));
            ps.setArray(4, c.createArrayOf("text", TABLE_PRIVILEGES.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean onTable = rs.getBoolean(3);
                    if (onTable || rs.getBoolean(4)) {
                        held.add(new Held(rs.getString(2), reach.byOid(rs.getLong(1)), !onTable));
                    }
                }
            }
        }
        return List.copyOf(held);
    }

    /** The privileges the role can use on the table, on the whole table or on some column. */
    Set<String> heldPrivileges() {
        Set<String> privileges = new LinkedHashSet<>();
        held.forEach(h -> privileges.add(h.privilege()));
        return privileges;
    }

    /**
     * Privileges held that no grant on the table or its columns explains (to PUBLIC, the role or a role within
     * reach): they come with a predefined role such as {@code pg_write_all_data}. Only the role that carries them is
     * named, not the roles that inherit it on the way.
     */
    List<Held> beyondGrants() {
        List<Held> unexplained = held.stream()
                .filter(h -> grants.stream().noneMatch(g -> g.privilege().equals(h.privilege())))
                .toList();
        return unexplained.stream()
                .filter(h -> unexplained.stream().noneMatch(o -> o != h && o.privilege().equals(h.privilege())
                        && o.holder().path().size() > h.holder().path().size()
                        && o.holder().path().subList(0, h.holder().path().size()).equals(h.holder().path())))
                .toList();
    }

    /** {@code "relation"} as SQL text for a remedy. */
    String sqlName() {
        return relation;
    }
}
