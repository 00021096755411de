package io.auditdrain.verifier.db;

import io.auditdrain.verifier.ConfigurationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Properties;

/**
 * A database session of the role under test: either a login as that role, or an owner's login followed by
 * {@code SET ROLE}. Connection failures become {@link ConfigurationException}s whose message never holds the password.
 */
public final class RoleSession implements AutoCloseable {

    private final Connection connection;
    private final DatabaseUrl url;
    private final String sessionUser;
    private final String currentUser;
    private final String database;

    private RoleSession(Connection connection, DatabaseUrl url, String sessionUser, String currentUser,
                        String database) {
        this.connection = connection;
        this.url = url;
        this.sessionUser = sessionUser;
        this.currentUser = currentUser;
        this.database = database;
    }

    /**
     * Connects; then, when {@code setRole} is not null, switches to that role for the rest of the session.
     */
    public static RoleSession open(DatabaseUrl url, SqlIdentifier setRole) {
        Properties props = url.credentials();
        props.setProperty("ApplicationName", "auditdrain-verifier");
        props.setProperty("connectTimeout", "15");
        props.setProperty("socketTimeout", "60");
        Connection connection;
        try {
            connection = new org.postgresql.Driver().connect(url.jdbcUrl(), props);
        } catch (SQLException e) {
            throw new ConfigurationException("could not connect to " + url + ": " + oneLine(url.redact(e.getMessage())),
                    e);
        }
        if (connection == null) {
            throw new ConfigurationException("the PostgreSQL driver does not accept the URL " + url);
        }
        try {
            if (setRole != null) {
                try (Statement st = connection.createStatement()) {
                    st.execute("SET ROLE " + setRole.quoted());
                } catch (SQLException e) {
                    throw new ConfigurationException("SET ROLE " + setRole.display() + " failed as " + url.user()
                            + ": " + oneLine(e.getMessage()) + " (the URL's role must be a member of "
                            + setRole.display() + ")", e);
                }
            }
            try (Statement st = connection.createStatement();
                 ResultSet rs = st.executeQuery("SELECT session_user, current_user, current_database()")) {
                rs.next();
                return new RoleSession(connection, url, rs.getString(1), rs.getString(2), rs.getString(3));
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            if (e instanceof ConfigurationException ce) {
                throw ce;
            }
            throw new ConfigurationException("could not start a session on " + url + ": " + oneLine(e.getMessage()),
                    e);
        }
    }

    public Connection connection() {
        return connection;
    }

    public DatabaseUrl url() {
        return url;
    }

    /** The role that logged in. */
    public String sessionUser() {
        return sessionUser;
    }

    /** The role whose privileges apply (differs from the session user after SET ROLE). */
    public String currentUser() {
        return currentUser;
    }

    public String database() {
        return database;
    }

    /** The database server's clock: the one that stamps its log lines. */
    public Instant databaseTime() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT clock_timestamp()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    /** A session's {@code search_path} and where it was set ({@code pg_settings.source}). */
    public record SearchPath(String value, String source) {
    }

    /**
     * Pins this session's {@code search_path} to {@code pg_catalog, pg_temp} and returns what it was. With the path
     * pinned, no function, operator or table of another schema can stand in for the catalog's in this session's
     * queries (a role may set its own default path, and create functions where it may CREATE), and every relation
     * prints with its schema ({@code public.customer_audit_events}).
     */
    public SearchPath pinSearchPath() throws SQLException {
        SearchPath before;
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT setting, source FROM pg_catalog.pg_settings WHERE name = 'search_path'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            before = new SearchPath(rs.getString(1), rs.getString(2));
        }
        try (Statement st = connection.createStatement()) {
            st.execute("SET search_path = pg_catalog, pg_temp");
        }
        return before;
    }

    /** {@code SHOW name} in this session. */
    public String show(String setting) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT current_setting(?)")) {
            ps.setString(1, setting);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }

    /** First line of a driver message, which may otherwise carry a multi-line server hint. */
    public static String oneLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing a session we are done with
        }
    }
}
