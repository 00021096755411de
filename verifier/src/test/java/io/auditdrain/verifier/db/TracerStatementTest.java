package io.auditdrain.verifier.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.verifier.ConfigurationException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TracerStatementTest {

    private static final SqlIdentifier TABLE = SqlIdentifier.of("customer_audit_events");

    @Test
    void the_default_follows_the_runbooks_smoke_test_with_the_tag_inlined_as_a_literal() {
        String sql = TracerStatement.referenceDefault(TABLE).render("pgaudit-smoke-1767225600-abcdefghij");
        assertEquals("INSERT INTO customer_audit_events (id, dimension, customer_id, actor_id, actor_type, action,"
                + " at_utc) VALUES ('pgaudit-smoke-1767225600-abcdefghij', 'system_automated', 0, 'sre-smoke',"
                + " 'system_actor', 'smoke.pgaudit_check', now())", sql);
    }

    @Test
    void a_custom_statement_must_be_one_insert_into_the_table_with_a_tag_placeholder() {
        TracerStatement ok = new TracerStatement("insert into audit.log (id, note) values ({tag}, 'smoke');",
                SqlIdentifier.of("audit.log"));
        assertEquals("insert into audit.log (id, note) values ('pgaudit-smoke-1-abcdefghij', 'smoke')",
                ok.render("pgaudit-smoke-1-abcdefghij"));
        List<String> bad = List.of(
                "INSERT INTO customer_audit_events (id) VALUES ('fixed')",
                "DELETE FROM customer_audit_events WHERE id = {tag}",
                "INSERT INTO other_table (id) VALUES ({tag})",
                "INSERT INTO customer_audit_events_x (id) VALUES ({tag})",
                "INSERT INTO customer_audit_events (id) VALUES ({tag}); DROP TABLE customer_audit_events",
                "INSERTINTO customer_audit_events VALUES ({tag})");
        for (String sql : bad) {
            assertThrows(ConfigurationException.class, () -> new TracerStatement(sql, TABLE), sql);
        }
    }

    @Test
    void only_plain_tags_are_rendered() {
        TracerStatement st = TracerStatement.referenceDefault(TABLE);
        assertThrows(IllegalArgumentException.class, () -> st.render("x'); DROP TABLE t; --"));
    }

    @Test
    void tags_are_unique_and_follow_the_runbook_prefix() {
        Set<String> tags = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String tag = TracerWriter.newTag(Instant.ofEpochSecond(1_767_225_600L));
            assertTrue(tag.matches("pgaudit-smoke-1767225600-[a-z2-7]{10}"), tag);
            tags.add(tag);
        }
        assertEquals(1000, tags.size());
    }

    @Test
    void identifiers_are_validated_and_quoted() {
        assertEquals("\"public\".\"customer_audit_events\"", SqlIdentifier.of("public.customer_audit_events").quoted());
        assertEquals("customer_audit_events", SqlIdentifier.of("customer_audit_events").display());
        assertEquals("\"Audit\"", SqlIdentifier.of("Audit").display());
        assertEquals("\"raptor-app\"", SqlIdentifier.role("raptor-app").quoted());
        for (String bad : List.of("", "a;b", "x\"y", "1abc", "a.b.c", "a b", "a".repeat(64), "t--")) {
            assertThrows(ConfigurationException.class, () -> SqlIdentifier.of(bad), bad);
        }
        assertThrows(ConfigurationException.class, () -> SqlIdentifier.role("raptor_app\"; DROP ROLE x; --"));
    }
}
