package io.auditdrain.verifier.attest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.verifier.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access matrix is embedded as the deployment documents it: Markdown tables or JSON rows, cell for cell. */
class AccessMatrixFileTest {

    @TempDir
    Path dir;

    private AccessSection.Matrix read(String name, String text) throws Exception {
        return AccessMatrixFile.read(Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8));
    }

    @Test
    void markdown_tables_keep_their_headings_cells_and_the_text_around_them() throws Exception {
        AccessSection.Matrix m = read("access-matrix.md", """
                # Who can change the archive

                Generated; do not edit.

                ## digests/

                | principal | PutObject | DeleteObject |
                |:---|:---:|---:|
                | digester | Allow | Deny |
                | admin | Deny \\| fenced | |
                """);
        assertEquals("markdown", m.format());
        assertEquals(1, m.tables().size());
        AccessSection.Table t = m.tables().get(0);
        assertEquals("digests/", t.caption());
        assertEquals(List.of("principal", "PutObject", "DeleteObject"), t.columns());
        assertEquals(List.of(List.of("digester", "Allow", "Deny"), List.of("admin", "Deny | fenced", "")), t.rows());
        assertEquals(List.of("# Who can change the archive", "Generated; do not edit.", "## digests/"), m.notes());
        assertEquals(64, m.sha256().length());
    }

    @Test
    void json_is_an_array_of_rows_or_named_tables() throws Exception {
        AccessSection.Matrix rows = read("m.json", "[{\"who\":\"a\",\"may\":true},{\"who\":\"b\",\"why\":{\"sid\":1}}]");
        assertEquals(List.of("who", "may", "why"), rows.tables().get(0).columns());
        assertEquals(List.of(List.of("a", "true", ""), List.of("b", "", "{\"sid\":1}")), rows.tables().get(0).rows());

        AccessSection.Matrix tables = read("m.json", """
                {"title": "matrix", "notes": ["from the plan"],
                 "tables": [{"caption": "logs/", "columns": ["who", "put"], "rows": [["receiver", "Allow"]]}]}""");
        assertEquals("logs/", tables.tables().get(0).caption());
        assertEquals(List.of(List.of("receiver", "Allow")), tables.tables().get(0).rows());
        assertEquals(List.of("matrix", "from the plan"), tables.notes());
    }

    @Test
    void a_file_that_is_no_matrix_is_a_configuration_error_naming_it() {
        ConfigurationException md = assertThrows(ConfigurationException.class, () -> read("x.md", "# nothing\n"));
        assertTrue(md.getMessage().contains("holds no table"), md.getMessage());
        ConfigurationException json = assertThrows(ConfigurationException.class, () -> read("x.json", "{\"a\":1}"));
        assertTrue(json.getMessage().contains("must be an array of rows"), json.getMessage());
        assertThrows(ConfigurationException.class, () -> AccessMatrixFile.read(dir.resolve("missing.md")));
    }
}
