package io.auditdrain.receiver.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.auditdrain.core.AppName;
import io.auditdrain.receiver.Deadline;
import java.util.Base64;
import java.util.Locale;

/**
 * Turns a request's {@code Authorization: Basic} header into the app it may write for. The user name of the drain
 * URL is the Heroku app name and the password is that app's secret, so a credential can only ever open its own app's
 * prefix.
 */
public final class DrainAuthenticator {

    private static final int MAX_HEADER_LENGTH = 2048;

    private final CredentialCache credentials;

    public DrainAuthenticator(CredentialCache credentials) {
        this.credentials = credentials;
    }

    /** The outcome of checking one request. */
    public sealed interface Outcome {
        /** The credential opens this app's drain. */
        record Accepted(String app) implements Outcome {
        }

        /** Nothing may be stored; {@code reason} is for the request log and never holds the secret. */
        record Rejected(String reason, String app) implements Outcome {
        }

        /** The credential could not be checked now (lookup budget spent); the caller answers 429. */
        record Busy(String app) implements Outcome {
        }
    }

    /**
     * @param reads counts the credential-store reads made for this request
     * @throws CredentialStoreException when the credential store cannot be read (the caller answers 5xx)
     */
    public Outcome authenticate(String authorization, Deadline deadline, CredentialCache.ReadCounter reads) {
        if (authorization == null || authorization.isBlank()) {
            return new Outcome.Rejected("no credentials", null);
        }
        if (authorization.length() > MAX_HEADER_LENGTH) {
            return new Outcome.Rejected("authorization header too long", null);
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("basic")) {
            return new Outcome.Rejected("not Basic authorization", null);
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value.substring(space + 1).strip()), UTF_8);
        } catch (IllegalArgumentException e) {
            return new Outcome.Rejected("malformed Basic credentials", null);
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return new Outcome.Rejected("malformed Basic credentials", null);
        }
        String app = decoded.substring(0, colon);
        if (!AppName.isValid(app)) {
            return new Outcome.Rejected("user name is not a valid app name", null);
        }
        return switch (credentials.check(app, decoded.substring(colon + 1), deadline, reads)) {
            case ACCEPTED -> new Outcome.Accepted(app);
            case REFUSED -> new Outcome.Rejected("unknown app or wrong secret", app);
            case BUSY -> new Outcome.Busy(app);
        };
    }
}
