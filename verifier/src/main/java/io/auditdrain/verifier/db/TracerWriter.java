package io.auditdrain.verifier.db;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/** Writes the tracer row and notes when, by the database's clock. */
public final class TracerWriter {

    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private TracerWriter() {
    }

    /** The written tracer: its tag, the statement sent, and the database time just before the INSERT ran. */
    public record Tracer(String tag, String statement, Instant insertTime, int rows) {
    }

    /** {@code pgaudit-smoke-<epoch seconds>-<10 random base32 characters>}: unique per run. */
    public static String newTag(Instant now) {
        StringBuilder sb = new StringBuilder("pgaudit-smoke-").append(now.getEpochSecond()).append('-');
        for (int i = 0; i < 10; i++) {
            sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    /**
     * Runs the tracer INSERT in its own transaction. The insert time is {@code clock_timestamp()} read in the same
     * transaction right before the INSERT, so it is never later than the time stamped on the statement's log line.
     */
    public static Tracer write(RoleSession session, TracerStatement statement, String tag) throws SQLException {
        Connection c = session.connection();
        String sql = statement.render(tag);
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            Instant insertTime = session.databaseTime();
            int rows;
            try (Statement st = c.createStatement()) {
                rows = st.executeUpdate(sql);
            }
            c.commit();
            return new Tracer(tag, sql, insertTime, rows);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }
}
