package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The restricted role and every role it can act as: each role it is a member of, directly or through other roles,
 * as {@code pg_auth_members} records it. In PostgreSQL 15 a member may {@code SET ROLE} to any role it belongs to,
 * whether or not it inherits that role's privileges, so every one of them counts. ({@code pg_has_role} is not used:
 * it answers yes to everything for a superuser, whose case has its own check.)
 *
 * @param roles the role itself first, then the others by path length
 */
record RoleReach(List<Member> roles) {

    /**
     * A role within reach.
     *
     * @param path the membership chain from the restricted role to this one ({@code [raptor_app, app_admins, audit_owner]})
     */
    record Member(long oid, String name, List<String> path, boolean superuser, boolean createRole,
                  boolean bypassRls) {

        boolean isSelf() {
            return path.size() == 1;
        }

        /** {@code " (through app_admins)"}, or "" for the role itself and for a direct membership. */
        String through() {
            return path.size() <= 2 ? "" : " (through " + String.join(", ", path.subList(1, path.size() - 1)) + ")";
        }

        /** The role whose membership in this one is the last link: the role to {@code REVOKE} this one from. */
        String directMember() {
            return path.get(path.size() - 2);
        }

        /** {@code REVOKE name FROM member;} breaking the chain's last link. */
        String revokeRemedy() {
            return "REVOKE " + SqlIdentifier.role(name).display() + " FROM "
                    + SqlIdentifier.role(directMember()).display() + ";";
        }
    }

    /**
     * A CTE {@code member_of(oid)} of the role bound to the first parameter and every role it is a member of, for
     * queries that only need the set.
     */
    static final String MEMBER_OF = """
            WITH RECURSIVE member_of(oid) AS (
                SELECT oid FROM pg_roles WHERE rolname = ?
                UNION
                SELECT m.roleid FROM pg_auth_members m JOIN member_of ON m.member = member_of.oid)
            """;

    /**
     * True when a role of {@code member_of} owns the schema {@code n}; the owner of schema public since PostgreSQL 15,
     * {@code pg_database_owner}, stands for the database's owner.
     */
    static final String SCHEMA_OWNED_WITHIN_REACH = """
            (n.nspowner IN (SELECT oid FROM member_of)
             OR (pg_get_userbyid(n.nspowner) = 'pg_database_owner'
                 AND (SELECT datdba FROM pg_database WHERE datname = current_database()) IN (SELECT oid FROM member_of)))""";

    static RoleReach of(Connection c, String role) throws SQLException {
        String sql = """
                WITH RECURSIVE reach(oid, path) AS (
                    SELECT oid, ARRAY[rolname::text] FROM pg_roles WHERE rolname = ?
                    UNION ALL
                    SELECT m.roleid, reach.path || pg_get_userbyid(m.roleid)::text
                    FROM pg_auth_members m JOIN reach ON m.member = reach.oid
                    WHERE NOT pg_get_userbyid(m.roleid)::text = ANY (reach.path))
                SELECT DISTINCT ON (r.oid) r.oid, a.rolname, r.path, a.rolsuper, a.rolcreaterole, a.rolbypassrls
                FROM reach r JOIN pg_roles a ON a.oid = r.oid
                ORDER BY r.oid, cardinality(r.path)""";
        List<Member> members = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array path = rs.getArray(3);
                    members.add(new Member(rs.getLong(1), rs.getString(2),
                            List.copyOf(Arrays.asList((String[]) path.getArray())), rs.getBoolean(4),
                            rs.getBoolean(5), rs.getBoolean(6)));
                }
            }
        }
        members.sort((a, b) -> a.path().size() != b.path().size() ? Integer.compare(a.path().size(), b.path().size())
                : a.name().compareTo(b.name()));
        return new RoleReach(List.copyOf(members));
    }

    /** The roles within reach that are no superuser (a superuser's powers are role-not-superuser's failure). */
    List<Member> ordinary() {
        return roles.stream().filter(m -> !m.superuser()).toList();
    }

    /** Their oids as a SQL array literal's elements, for {@code = ANY(?)}. */
    Long[] ordinaryOids() {
        return ordinary().stream().map(Member::oid).toArray(Long[]::new);
    }

    Member byOid(long oid) {
        return roles.stream().filter(m -> m.oid() == oid).findFirst().orElseThrow();
    }
}
