package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.ConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --probe-value [schema.]table.column=VALUE}: a value for a column the capture probe cannot fill by itself.
 * The value is written as a quoted literal cast to the column's type, never as SQL, so it can hold anything.
 */
public final class ProbeValues {

    private static final Pattern ENTRY = Pattern.compile(
            "\\s*(?:([A-Za-z_][A-Za-z0-9_$]{0,62})\\.)?([A-Za-z_][A-Za-z0-9_$]{0,62})\\.([A-Za-z_][A-Za-z0-9_$]{0,62})"
                    + "\\s*=(.*)", Pattern.DOTALL);

    private ProbeValues() {
    }

    /** {@code schema.table.column} (public when no schema is given) to the value; every bad entry listed at once. */
    public static Map<String, String> parse(List<String> entries) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        for (String entry : entries) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            Matcher m = ENTRY.matcher(entry);
            if (!m.matches()) {
                bad.add("'" + entry + "'");
                continue;
            }
            String schema = m.group(1) == null ? "public" : m.group(1);
            values.put(key(schema, m.group(2), m.group(3)), m.group(4));
        }
        if (!bad.isEmpty()) {
            throw new ConfigurationException("--probe-value takes [schema.]table.column=VALUE: " + String.join(", ",
                    bad));
        }
        return Map.copyOf(values);
    }

    /** The key of a column, as {@link #parse} makes it. */
    static String key(String schema, String table, String column) {
        return schema + "." + table + "." + column;
    }

    /** The value given for a column, trying its name as written and as Postgres folds unquoted names. */
    static String lookup(Map<String, String> values, String schema, String table, String column) {
        String v = values.get(key(schema, table, column));
        if (v == null) {
            for (Map.Entry<String, String> e : values.entrySet()) {
                if (e.getKey().equalsIgnoreCase(key(schema, table, column))) {
                    return e.getValue();
                }
            }
        }
        return v;
    }
}
