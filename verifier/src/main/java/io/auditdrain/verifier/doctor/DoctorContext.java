package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.RoleSession;
import io.auditdrain.verifier.db.SqlIdentifier;
import io.auditdrain.verifier.store.ArchiveReader;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the checks look at.
 *
 * @param session      a session of the role itself, or of an owner (then {@link #sessionIsRole()} is false), whose
 *                     search_path doctor has pinned to {@code pg_catalog, pg_temp}
 * @param loginSearchPath the session's search_path before doctor pinned it, and where it came from
 * @param role         the restricted role under test
 * @param roleExists   whether {@code pg_roles} has it; the checks about its privileges skip otherwise
 * @param audit        the audit tables, source tables and capture triggers found in the catalog
 * @param probeValues  values the probe writes into columns it cannot fill itself, by {@code schema.table.column}
 * @param bucket       the S3 bucket and a client for it; empty for a directory store or no store
 * @param store        the store the drain writes to; empty when none was given
 * @param app          the Heroku app whose objects the drain writes; empty when none was given
 * @param allowedWriters roles besides the restricted one that may write the audit tables (the writers check)
 * @param writersWindow  how far back the writers check reads the archive
 */
public record DoctorContext(RoleSession session, RoleSession.SearchPath loginSearchPath, SqlIdentifier role,
                            boolean roleExists, AuditObjects audit, List<SqlIdentifier> migrationTables,
                            Map<String, String> probeValues, Optional<Bucket> bucket,
                            Optional<ArchiveReader> store, Optional<String> app, int retentionDays,
                            Duration silenceWindow, List<String> allowedWriters, Duration writersWindow,
                            Clock clock) {

    public record Bucket(S3Client client, String name) {
    }

    /** The role and every role it can act as; call only when {@link #roleExists()}. */
    RoleReach reach() throws SQLException {
        return RoleReach.of(session.connection(), role.name());
    }

    /** What capture runs through: the capture triggers, their tables and functions; call only when the role exists. */
    CaptureObjects captureObjects() throws SQLException {
        return CaptureObjects.of(session.connection(), role.name(), audit);
    }

    /** Whether the session logged in as the role itself (not an owner acting through SET ROLE). */
    public boolean sessionIsRole() {
        return session.sessionUser().equals(role.name());
    }

    /** Who should own the audit tables, for remedies: the owner we are connected as, when we are. */
    public String ownerForRemedy() {
        return sessionIsRole() ? "<owner_role>" : SqlIdentifier.role(session.sessionUser()).display();
    }

    /** The app for CLI remedies. */
    public String appForRemedy() {
        return app.orElse("<app>");
    }
}
