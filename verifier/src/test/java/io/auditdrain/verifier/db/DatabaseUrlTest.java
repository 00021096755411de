package io.auditdrain.verifier.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.verifier.ConfigurationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    private static DatabaseUrl parse(String url) {
        return DatabaseUrl.parse(url, "TEST_URL", null);
    }

    @Test
    void reads_a_heroku_url_and_requires_tls_for_a_remote_host() {
        DatabaseUrl url = parse("postgres://raptor_app:s3cr3t@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d1abc2def3");
        assertEquals("raptor_app", url.user());
        assertEquals("s3cr3t", url.password());
        assertEquals(List.of("ec2-1-2-3-4.compute-1.amazonaws.com:5432"), url.hosts());
        assertEquals("require", url.sslMode());
        assertEquals("jdbc:postgresql://ec2-1-2-3-4.compute-1.amazonaws.com:5432/d1abc2def3?sslmode=require",
                url.jdbcUrl());
    }

    @Test
    void reads_postgresql_scheme_default_port_and_percent_escapes() {
        DatabaseUrl url = parse("postgresql://app%40corp:p%3Ass%2Fw@db.example.com/audit");
        assertEquals("app@corp", url.user());
        assertEquals("p:ss/w", url.password());
        assertEquals(List.of("db.example.com:5432"), url.hosts());
    }

    @Test
    void reads_a_jdbc_url_with_credentials_as_parameters() {
        DatabaseUrl url = parse("jdbc:postgresql://db.example.com:6432/audit?user=raptor_app&password=pw&"
                + "sslmode=verify-full");
        assertEquals("raptor_app", url.user());
        assertEquals("pw", url.password());
        assertEquals("verify-full", url.sslMode());
        assertFalse(url.jdbcUrl().contains("pw"), url.jdbcUrl());
    }

    @Test
    void refuses_a_weaker_sslmode_for_a_remote_host() {
        for (String mode : List.of("disable", "allow", "prefer")) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> parse("postgres://u:p@db.example.com:5432/d?sslmode=" + mode));
            assertTrue(e.getMessage().contains("TLS is required"), e.getMessage());
        }
        assertThrows(ConfigurationException.class, () -> DatabaseUrl.parse("postgres://u:p@db.example.com/d",
                "TEST_URL", "disable"));
    }

    @Test
    void an_override_may_make_tls_stricter() {
        assertEquals("verify-full", DatabaseUrl.parse("postgres://u:p@db.example.com/d", "TEST_URL", "verify-full")
                .sslMode());
    }

    @Test
    void loopback_hosts_need_no_tls() {
        for (String host : List.of("127.0.0.1", "localhost", "[::1]")) {
            DatabaseUrl url = parse("postgres://u:p@" + host + ":5432/d");
            assertEquals("prefer", url.sslMode(), host);
            assertFalse(url.jdbcUrl().contains("sslmode"), url.jdbcUrl());
        }
        assertEquals("disable", parse("postgres://u:p@127.0.0.1:5432/d?sslmode=disable").sslMode());
    }

    @Test
    void never_shows_the_password() {
        DatabaseUrl url = parse("postgres://raptor_app:hunter2hunter2@db.example.com:5432/d");
        assertEquals("postgres://raptor_app:****@db.example.com:5432/d", url.toString());
        assertEquals("auth failed for ****", url.redact("auth failed for hunter2hunter2"));
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> parse("postgres://raptor_app:bad pass word@db.example.com/d"));
        assertFalse(e.getMessage().contains("bad pass"), e.getMessage());
    }

    @Test
    void rejects_what_is_not_a_postgres_url() {
        for (String bad : List.of("mysql://u:p@h/d", "postgres://u:p@h:5432/", "just-text",
                "postgres://u:p@h/d?password=x")) {
            assertThrows(ConfigurationException.class, () -> parse(bad), bad);
        }
    }
}
