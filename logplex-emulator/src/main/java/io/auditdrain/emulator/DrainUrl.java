package io.auditdrain.emulator;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.util.Base64;
import java.util.Optional;

/**
 * A drain URL as given to {@code heroku drains:add}: {@code http(s)://<user>:<password>@host[:port]/path}. Logplex
 * sends the userinfo as Basic credentials and never as part of the request line. {@link #toString()} hides the
 * password, so that a drain URL can be logged.
 *
 * @param endpoint the URL without userinfo
 * @param user the user name, empty when the URL has none
 * @param password the password, empty when the URL has none
 */
public record DrainUrl(URI endpoint, String user, String password) {

    public DrainUrl {
        if (endpoint.getUserInfo() != null) {
            throw new IllegalArgumentException("the endpoint must not carry credentials");
        }
    }

    public static DrainUrl parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a drain URL is required: http(s)://<app>:<secret>@host:port/logs");
        }
        URI uri;
        try {
            uri = new URI(value.strip());
        } catch (URISyntaxException e) {
            // The message would quote the URL, secret included.
            throw new IllegalArgumentException("the drain URL is not a valid URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("the drain URL must start with http:// or https://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("the drain URL has no host");
        }
        String user = "";
        String password = "";
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        }
        try {
            URI endpoint = new URI(scheme, null, uri.getHost(), uri.getPort(),
                    uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath(), uri.getQuery(), null);
            return new DrainUrl(endpoint, user, password);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the drain URL is not a valid URL (" + e.getReason() + ")");
        }
    }

    /** {@code Basic base64(user:password)}, when the URL has userinfo. */
    Optional<String> authorization() {
        if (user.isEmpty() && password.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8)));
    }

    /** The URL with the password replaced by {@code ***}. */
    @Override
    public String toString() {
        if (user.isEmpty() && password.isEmpty()) {
            return endpoint.toString();
        }
        String auth = user + (password.isEmpty() ? "" : ":***") + "@";
        String s = endpoint.toString();
        int hostStart = s.indexOf("://") + 3;
        return s.substring(0, hostStart) + auth + s.substring(hostStart);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), UTF_8);
    }
}
