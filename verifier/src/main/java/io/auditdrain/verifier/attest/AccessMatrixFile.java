package io.auditdrain.verifier.attest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.auditdrain.digest.Sha256;
import io.auditdrain.verifier.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the deployment's access matrix from a file, to embed as it is documented: Markdown (pipe tables, each under
 * the heading before it, as docs/access-matrix.md is written) or JSON (an array of objects, one row each; or
 * {@code {"title": ..., "tables": [{"caption": ..., "columns": [...], "rows": [[...]]}], "notes": [...]}}). The
 * attestation does not evaluate the matrix: it shows what the deployment says, with the file's SHA-256.
 */
public final class AccessMatrixFile {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A matrix is pages of text at most; refuse anything that is clearly not one. */
    private static final long MAX_BYTES = 4L << 20;

    private AccessMatrixFile() {
    }

    /** Reads the matrix; a {@link ConfigurationException} when the file is not one. */
    public static AccessSection.Matrix read(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigurationException("--access-matrix " + file + " is larger than 4 MB: not a matrix");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read --access-matrix " + file + ": " + e.getMessage(), e);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean json = name.endsWith(".json") || (!name.endsWith(".md") && text.stripLeading().matches("(?s)[\\[{].*"));
        return json ? fromJson(file, bytes) : fromMarkdown(file.toString(), bytes, text);
    }

    static AccessSection.Matrix fromMarkdown(String source, byte[] bytes, String text) {
        List<AccessSection.Table> tables = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String heading = null;
        List<String> rows = new ArrayList<>();
        for (String raw : (text + "\n").split("\r?\n", -1)) {
            String line = raw.strip();
            if (line.startsWith("|")) {
                rows.add(line);
                continue;
            }
            if (!rows.isEmpty()) {
                tables.add(table(heading, rows));
                rows = new ArrayList<>();
            }
            if (line.startsWith("#")) {
                heading = line.replaceFirst("^#+\\s*", "");
                notes.add(line);
            } else if (!line.isEmpty()) {
                notes.add(line);
            }
        }
        if (tables.isEmpty()) {
            throw new ConfigurationException("--access-matrix " + source + " holds no table (Markdown pipe tables, or"
                    + " JSON)");
        }
        return new AccessSection.Matrix(source, Sha256.hex(bytes), "markdown", tables, notes);
    }

    /** A pipe table: header, the |---| line, rows; cells trimmed, backticks and escaped pipes kept as text. */
    private static AccessSection.Table table(String caption, List<String> lines) {
        List<String> columns = cells(lines.get(0));
        List<List<String>> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            List<String> cells = cells(lines.get(i));
            if (i == 1 && cells.stream().allMatch(c -> c.matches(":?-{1,}:?"))) {
                continue;
            }
            while (cells.size() < columns.size()) {
                cells.add("");
            }
            rows.add(List.copyOf(cells));
        }
        return new AccessSection.Table(caption, columns, rows);
    }

    private static List<String> cells(String line) {
        String inner = line.strip();
        inner = inner.substring(1, inner.endsWith("|") && inner.length() > 1 && !inner.endsWith("\\|")
                ? inner.length() - 1 : inner.length());
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == '\\' && i + 1 < inner.length() && inner.charAt(i + 1) == '|') {
                cell.append('|');
                i++;
            } else if (c == '|') {
                cells.add(cell.toString().strip());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString().strip());
        return cells;
    }

    static AccessSection.Matrix fromJson(Path file, byte[] bytes) {
        JsonNode doc;
        try {
            doc = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new ConfigurationException("--access-matrix " + file + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        List<AccessSection.Table> tables = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (doc != null && doc.isArray()) {
            tables.add(rowsOfObjects(null, doc, file));
        } else if (doc != null && doc.isObject() && doc.path("tables").isArray()) {
            if (doc.hasNonNull("title")) {
                notes.add(doc.get("title").asText());
            }
            doc.path("notes").forEach(n -> notes.add(n.asText()));
            for (JsonNode t : doc.get("tables")) {
                String caption = t.hasNonNull("caption") ? t.get("caption").asText() : null;
                if (t.path("rows").isArray() && t.path("columns").isArray()) {
                    List<String> columns = new ArrayList<>();
                    t.get("columns").forEach(c -> columns.add(c.asText()));
                    List<List<String>> rows = new ArrayList<>();
                    for (JsonNode r : t.get("rows")) {
                        List<String> row = new ArrayList<>();
                        r.forEach(c -> row.add(c.isNull() ? "" : c.asText()));
                        rows.add(row);
                    }
                    tables.add(new AccessSection.Table(caption, columns, rows));
                } else {
                    tables.add(rowsOfObjects(caption, t.path("rows"), file));
                }
            }
        } else {
            throw new ConfigurationException("--access-matrix " + file + ": JSON must be an array of rows (objects)"
                    + " or {\"tables\": [{\"caption\", \"columns\", \"rows\"}]}");
        }
        return new AccessSection.Matrix(file.toString(), Sha256.hex(bytes), "json", tables, notes);
    }

    private static AccessSection.Table rowsOfObjects(String caption, JsonNode array, Path file) {
        Set<String> columns = new LinkedHashSet<>();
        for (JsonNode row : array) {
            if (!row.isObject()) {
                throw new ConfigurationException("--access-matrix " + file + ": each row must be a JSON object");
            }
            row.fieldNames().forEachRemaining(columns::add);
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode row : array) {
            List<String> cells = new ArrayList<>();
            for (String c : columns) {
                JsonNode v = row.get(c);
                cells.add(v == null || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString());
            }
            rows.add(cells);
        }
        return new AccessSection.Table(caption, List.copyOf(columns), rows);
    }
}
