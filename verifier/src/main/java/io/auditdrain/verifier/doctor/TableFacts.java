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
 * has its own check and its own remedy, and a REVOKE would not fix them.
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

    static TableFacts inspect(Connection c, String role, SqlIdentifier table) throws SQLException {
        long oid;
        String relation;
        String owner;
        boolean ownedByRole;
        String schema;
        String schemaOwner;
        boolean schemaOwnedByRole;
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT c.oid, c.oid::regclass::text, pg_get_userbyid(c.relowner),
                       pg_has_role(?, c.relowner, 'MEMBER'),
                       n.nspname, pg_get_userbyid(n.nspowner), pg_has_role(?, n.nspowner, 'MEMBER')
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.oid = to_regclass(?) AND c.relkind IN ('r', 'p')""")) {
            ps.setString(1, role);
            ps.setString(2, role);
            ps.setString(3, table.quoted());
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
        // PUBLIC is grantee 0, which pg_has_role cannot take: hence the CASE.
        String holds = "CASE WHEN a.grantee = 0 THEN true ELSE pg_has_role(?, a.grantee, 'MEMBER') END";
        String granteeName = "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END";
        try (PreparedStatement ps = c.prepareStatement("SELECT a.privilege_type, " + granteeName
                + " FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a WHERE c.oid = ? AND " + holds
                + " ORDER BY 2, 1")) {
            ps.setLong(1, oid);
            ps.setString(2, role);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    grants.add(new Grant(rs.getString(1), rs.getString(2), null));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT a.privilege_type, " + granteeName + ", att.attname"
                + " FROM pg_attribute att CROSS JOIN LATERAL aclexplode(att.attacl) a"
                + " WHERE att.attrelid = ? AND att.attnum > 0 AND NOT att.attisdropped AND " + holds
                + " ORDER BY 3, 2, 1")) {
            ps.setLong(1, oid);
            ps.setString(2, role);
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
