package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the catalog says about one table and a role: who owns it, and which privileges the role holds through grants
 * (to itself, to PUBLIC, or to any role it can become). Ownership and superuser status are left out on purpose: each
 * has its own check and its own remedy, and a REVOKE would not fix them. Membership is followed through
 * {@code pg_auth_members} rather than {@code pg_has_role}, which answers yes to everything for a superuser.
 *
 * @param relation   the table as Postgres names it ({@code customer_audit_events}, {@code audit.events})
 * @param ownedByRole the role owns the table, or is a member of the role that does
 * @param grants     table-level ({@code column} null) and column-level privileges the role holds
 */
record TableFacts(SqlIdentifier table, boolean exists, String relation, String owner, boolean ownedByRole,
                  String schema, String schemaOwner, boolean schemaOwnedByRole, List<Grant> grants) {

    /** A privilege and whom it was granted to ({@code PUBLIC}, the role, or a role it is a member of). */
    record Grant(String privilege, String grantee, String column) {
    }

    /** The role and every role it is a member of, directly or not: the roles whose powers it can use. */
    private static final String MEMBER_OF = """
            WITH RECURSIVE member_of(oid) AS (
                SELECT oid FROM pg_roles WHERE rolname = ?
                UNION
                SELECT m.roleid FROM pg_auth_members m JOIN member_of ON m.member = member_of.oid)
            """;

    static TableFacts inspect(Connection c, String role, SqlIdentifier table) throws SQLException {
        long oid;
        String relation;
        String owner;
        boolean ownedByRole;
        String schema;
        String schemaOwner;
        boolean schemaOwnedByRole;
        // pg_database_owner (the owner of schema public since PostgreSQL 15) stands for the database's owner.
        try (PreparedStatement ps = c.prepareStatement(MEMBER_OF + """
                SELECT c.oid, c.oid::regclass::text, pg_get_userbyid(c.relowner),
                       c.relowner IN (SELECT oid FROM member_of),
                       n.nspname, pg_get_userbyid(n.nspowner),
                       n.nspowner IN (SELECT oid FROM member_of)
                           OR (pg_get_userbyid(n.nspowner) = 'pg_database_owner'
                               AND (SELECT datdba FROM pg_database WHERE datname = current_database())
                                   IN (SELECT oid FROM member_of))
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.oid = to_regclass(?) AND c.relkind IN ('r', 'p')""")) {
            ps.setString(1, role);
            ps.setString(2, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new TableFacts(table, false, table.display(), null, false, null, null, false, List.of());
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
        return new TableFacts(table, true, relation, owner, ownedByRole, schema, schemaOwner, schemaOwnedByRole,
                List.copyOf(grants));
    }

    /** {@code "relation"} as SQL text for a remedy. */
    String sqlName() {
        return relation;
    }
}
