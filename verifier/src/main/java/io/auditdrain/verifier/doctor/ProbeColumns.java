package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The columns of a table as the capture probe writes them: which an INSERT must fill (NOT NULL, no default, not
 * generated), which the role may UPDATE, and a value of each column's type that the probe can write. Values are SQL
 * literals cast to the column's type (never bound, so that the logged statement is the whole statement): text gets
 * the probe's tag, numbers a random negative number within the type's range, times the year 2000, a single-column
 * foreign key the first key of the table it refers to (read as the role). What cannot be made up (another type, a
 * key to an empty table, a column of a composite foreign key) comes from {@code --probe-value}, or the probe says it
 * cannot run.
 */
final class ProbeColumns {

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * @param type       {@code format_type}: what to cast a literal to
     * @param baseType   the type's name, or its base type's for a domain
     * @param foreignKey {@code SELECT key FROM table ORDER BY 1 LIMIT 1} for a single-column foreign key
     * @param compositeKey part of a foreign key of several columns
     * @param enumLabels the labels of an enum type, in order
     */
    record Column(String name, String type, int typmod, String baseType, String category, boolean notNull,
                  boolean hasDefault, boolean generated, boolean identityAlways, boolean primaryKey,
                  String foreignKey, boolean compositeKey, boolean updatable, List<String> enumLabels) {

        /** Whether a row cannot be inserted without a value for it. */
        boolean required() {
            return notNull && !hasDefault && !generated && !identityAlways;
        }

        /** Whether an UPDATE may name it at all. */
        boolean settable() {
            return !generated && !identityAlways;
        }

        String sql() {
            return SqlIdentifier.displayName(name);
        }
    }

    private ProbeColumns() {
    }

    static List<Column> of(Connection c, long table, String role) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.atttypmod, bt.typname, bt.typcategory,
                       a.attnotnull OR t.typnotnull, a.atthasdef OR t.typdefault IS NOT NULL, a.attgenerated <> '',
                       a.attidentity = 'a',
                       EXISTS (SELECT 1 FROM pg_index i
                               WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY (i.indkey)),
                       (SELECT format('SELECT %I FROM %s ORDER BY 1 LIMIT 1', fa.attname, f.confrelid::regclass)
                        FROM pg_constraint f
                        JOIN pg_attribute fa ON fa.attrelid = f.confrelid AND fa.attnum = f.confkey[1]
                        WHERE f.conrelid = a.attrelid AND f.contype = 'f' AND f.conkey = ARRAY[a.attnum]
                        ORDER BY f.conname LIMIT 1),
                       EXISTS (SELECT 1 FROM pg_constraint f WHERE f.conrelid = a.attrelid AND f.contype = 'f'
                               AND a.attnum = ANY (f.conkey) AND cardinality(f.conkey) > 1),
                       has_column_privilege(?, a.attrelid, a.attnum, 'UPDATE'),
                       ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = bt.oid
                             ORDER BY e.enumsortorder)
                FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
                WHERE a.attrelid = ?::oid AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""")) {
            ps.setString(1, role);
            ps.setLong(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> labels = new ArrayList<>();
                    for (Object o : (Object[]) rs.getArray(14).getArray()) {
                        labels.add((String) o);
                    }
                    columns.add(new Column(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                            rs.getString(5), rs.getBoolean(6), rs.getBoolean(7), rs.getBoolean(8), rs.getBoolean(9),
                            rs.getBoolean(10), rs.getString(11), rs.getBoolean(12), rs.getBoolean(13),
                            List.copyOf(labels)));
                }
            }
        }
        return columns;
    }

    /**
     * A value for the column as SQL text, or empty when the probe cannot make one up.
     *
     * @param variant 0 for the INSERT, 1, 2, ... for values that differ from it (for UPDATEs)
     * @param given   {@code --probe-value}s
     */
    static Optional<String> value(Column col, String schema, String table, String tag, int variant,
                                  Map<String, String> given) {
        String configured = ProbeValues.lookup(given, schema, table, col.name());
        if (configured != null) {
            return Optional.of(literal(configured) + "::" + col.type());
        }
        if (col.foreignKey() != null) {
            return Optional.of("(" + col.foreignKey() + ")");
        }
        if (col.compositeKey()) {
            return Optional.empty();
        }
        if (!col.enumLabels().isEmpty()) {
            return Optional.of(literal(col.enumLabels().get(variant % col.enumLabels().size())) + "::" + col.type());
        }
        if (col.category().equals("A")) {
            return Optional.of("'{}'::" + col.type());
        }
        String v = switch (col.baseType()) {
            case "text", "varchar", "bpchar", "name", "citext" -> text(tag + (variant == 0 ? "" : "-u" + variant),
                    col);
            case "int2" -> Long.toString(-(1_000 + RANDOM.nextInt(31_000)));
            case "int4" -> Long.toString(-(1_000_000L + RANDOM.nextInt(2_000_000_000)));
            case "int8" -> Long.toString(-(1_000_000_000_000L + (RANDOM.nextLong() >>> 14)));
            case "numeric" -> numeric(col.typmod());
            case "float4", "float8", "money" -> Long.toString(-(1 + RANDOM.nextInt(30_000)));
            case "bool" -> variant % 2 == 0 ? "false" : "true";
            case "date" -> "2000-01-0" + (1 + variant % 9);
            case "timestamp", "timestamptz" -> "2000-01-01 00:00:0" + variant % 10 + "+00";
            case "time", "timetz" -> "00:00:0" + variant % 10;
            case "interval" -> (1 + variant) + " seconds";
            case "json", "jsonb" -> "{\"auditdrain_probe\": \"" + tag + "\", \"variant\": " + variant + "}";
            case "uuid" -> UUID.randomUUID().toString();
            case "bytea" -> "\\x" + HexFormat.of().formatHex((tag + variant).getBytes(StandardCharsets.UTF_8));
            case "inet", "cidr" -> "192.0.2." + (1 + variant % 250);
            case "macaddr" -> "00:00:5e:00:53:0" + variant % 10;
            default -> null;
        };
        return v == null ? Optional.empty() : Optional.of(literal(v) + "::" + col.type());
    }

    /** The tag, cut to a {@code varchar(n)} or {@code char(n)} from its end (the random part) when it is longer. */
    private static String text(String value, Column col) {
        int max = (col.baseType().equals("varchar") || col.baseType().equals("bpchar")) && col.typmod() > 4
                ? col.typmod() - 4 : Integer.MAX_VALUE;
        return value.length() <= max ? value : value.substring(value.length() - max);
    }

    /** A negative number with as many integer digits as {@code numeric(p, s)} allows. */
    private static String numeric(int typmod) {
        int digits = 15;
        if (typmod > 4) {
            int precision = ((typmod - 4) >> 16) & 0xffff;
            int scale = (typmod - 4) & 0xffff;
            digits = Math.min(15, precision - scale);
        }
        if (digits <= 0) {
            return "0";
        }
        long bound = 1;
        for (int i = 0; i < digits; i++) {
            bound *= 10;
        }
        return Long.toString(-(1 + (RANDOM.nextLong() >>> 1) % (bound - 1)));
    }

    /** A string literal that reads the same whatever {@code standard_conforming_strings} is. */
    static String literal(String value) {
        String quoted = value.replace("'", "''");
        return value.indexOf('\\') >= 0 ? "E'" + quoted.replace("\\", "\\\\") + "'" : "'" + quoted + "'";
    }
}
