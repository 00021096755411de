package io.auditdrain.verifier.db;

import io.auditdrain.verifier.ConfigurationException;
import java.util.regex.Pattern;

/**
 * A role, table or trigger name given on the command line, checked before it reaches SQL: an optional schema and a
 * name, each a plain identifier of at most 63 bytes. It is quoted wherever it is spliced into SQL, and passed as a
 * bind parameter wherever a query can take one.
 */
public record SqlIdentifier(String schema, String name) {

    private static final Pattern PART = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");
    /** Role names may also hold dashes (as Heroku credential names can). */
    private static final Pattern ROLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$-]{0,62}");

    public SqlIdentifier {
        if (schema != null && !PART.matcher(schema).matches()) {
            throw new ConfigurationException("not a valid schema name: " + schema);
        }
        if (name == null || !ROLE.matcher(name).matches()) {
            throw new ConfigurationException("not a valid identifier: " + name);
        }
    }

    /** A table or trigger name, optionally schema-qualified ({@code public.customer_audit_events}). */
    public static SqlIdentifier of(String qualifiedName) {
        String v = qualifiedName == null ? "" : qualifiedName.strip();
        int dot = v.indexOf('.');
        SqlIdentifier id = dot < 0 ? new SqlIdentifier(null, v) : new SqlIdentifier(v.substring(0, dot),
                v.substring(dot + 1));
        if (!PART.matcher(id.name).matches()) {
            throw new ConfigurationException("not a valid table or trigger name: " + qualifiedName);
        }
        return id;
    }

    /** A role name (no schema). */
    public static SqlIdentifier role(String name) {
        if (name == null || !ROLE.matcher(name.strip()).matches()) {
            throw new ConfigurationException("not a valid role name: " + name);
        }
        return new SqlIdentifier(null, name.strip());
    }

    /**
     * The name with {@code public} as its schema when it was given without one: the verifier resolves a name given
     * on its command line in {@code public}, never on a session's {@code search_path}, where a schema earlier on the
     * path could hold a table of the same name.
     */
    public SqlIdentifier inPublicUnlessQualified() {
        return schema == null ? new SqlIdentifier("public", name) : this;
    }

    /** Always quoted: {@code "public"."customer_audit_events"}. */
    public String quoted() {
        return schema == null ? quote(name) : quote(schema) + "." + quote(name);
    }

    /** As a person would type it in SQL: bare when it is a lower-case plain identifier, quoted otherwise. */
    public String display() {
        return schema == null ? displayPart(name) : displayPart(schema) + "." + displayPart(name);
    }

    @Override
    public String toString() {
        return schema == null ? name : schema + "." + name;
    }

    /** Any catalog name as SQL text: bare when it is a lower-case plain identifier, quoted otherwise. Never throws. */
    public static String displayName(String part) {
        return displayPart(part);
    }

    private static String displayPart(String part) {
        return part.matches("[a-z_][a-z0-9_$]*") ? part : quote(part);
    }

    private static String quote(String part) {
        return '"' + part.replace("\"", "\"\"") + '"';
    }
}
