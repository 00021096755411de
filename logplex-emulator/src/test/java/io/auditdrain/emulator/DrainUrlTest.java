package io.auditdrain.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DrainUrlTest {

    private static final String SECRET = "s3cr3t-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_x";

    @Test
    void userinfo_becomes_basic_credentials_and_leaves_the_endpoint() {
        DrainUrl url = DrainUrl.parse("https://my-app:" + SECRET + "@drain.example.com:8443/logs?x=1");
        assertEquals(URI.create("https://drain.example.com:8443/logs?x=1"), url.endpoint());
        assertEquals(Optional.of("Basic " + Base64.getEncoder().encodeToString(("my-app:" + SECRET).getBytes())),
                url.authorization());
    }

    @Test
    void the_string_form_hides_the_password() {
        DrainUrl url = DrainUrl.parse("http://my-app:" + SECRET + "@127.0.0.1:8080/logs");
        assertEquals("http://my-app:***@127.0.0.1:8080/logs", url.toString());
        assertFalse(url.toString().contains(SECRET));
    }

    @Test
    void percent_encoded_userinfo_is_decoded() {
        DrainUrl url = DrainUrl.parse("http://app:p%40ss%3Aword@localhost/logs");
        assertEquals("p@ss:word", url.password());
    }

    @Test
    void a_url_without_userinfo_sends_no_credentials_and_gets_a_root_path() {
        DrainUrl url = DrainUrl.parse("http://localhost:9000");
        assertEquals(Optional.empty(), url.authorization());
        assertEquals(URI.create("http://localhost:9000/"), url.endpoint());
    }

    @Test
    void an_invalid_url_is_refused_without_quoting_its_secret() {
        for (String bad : new String[] {"ftp://a:" + SECRET + "@host/", "http://a:" + SECRET + "@/logs",
                "http://a:" + SECRET + "@host/lo gs", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DrainUrl.parse(bad));
            assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        }
    }
}
