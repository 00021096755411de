package io.auditdrain.receiver.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.auditdrain.receiver.Deadline;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DrainAuthenticatorTest {

    private static final Map<String, List<String>> SECRETS = Map.of(
            "app-a", List.of("secret-of-a"),
            "app-b", List.of("secret-of-b", "previous-of-b"));

    private final DrainAuthenticator authenticator = new DrainAuthenticator(new CredentialCache(
            (app, deadline) -> Optional.ofNullable(SECRETS.get(app)).map(s -> AppCredentials.of(app, s)),
            Duration.ofSeconds(60), Duration.ZERO, LookupBudget.standard()));

    private DrainAuthenticator.Outcome authenticate(String header) {
        return authenticator.authenticate(header, Deadline.after(Duration.ofSeconds(4)), CredentialCache.ReadCounter.NONE);
    }

    @Test
    void the_app_named_by_the_user_name_is_accepted_with_its_own_secret() {
        assertEquals(new DrainAuthenticator.Outcome.Accepted("app-a"), authenticate(basic("app-a", "secret-of-a")));
        assertEquals(new DrainAuthenticator.Outcome.Accepted("app-b"), authenticate(basic("app-b", "previous-of-b")));
    }

    @Test
    void a_secret_of_app_a_cannot_open_app_b() {
        assertRejected(basic("app-b", "secret-of-a"));
    }

    @Test
    void scheme_is_case_insensitive_and_surrounding_space_is_ignored() {
        String token = Base64.getEncoder().encodeToString("app-a:secret-of-a".getBytes(UTF_8));
        assertEquals(new DrainAuthenticator.Outcome.Accepted("app-a"), authenticate("  bAsIc   " + token + " "));
    }

    @Test
    void missing_malformed_or_foreign_credentials_are_rejected() {
        for (String header : new String[] {null, "", "Bearer abc", "Basic", "Basic !!!notbase64",
            "Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes(UTF_8)),
            basic("Bad_Name", "x"), basic("../../etc", "x"), basic("app-a", ""), basic("app-a", "secret-of-a "),
            "Basic " + "A".repeat(5000)}) {
            assertRejected(header);
        }
    }

    private void assertRejected(String header) {
        assertInstanceOf(DrainAuthenticator.Outcome.Rejected.class, authenticate(header), String.valueOf(header));
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
    }
}
