package io.auditdrain.verifier.db;

import io.auditdrain.verifier.ConfigurationException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.postgresql.Driver;

/**
 * Where and as whom to connect, parsed from a Heroku-style {@code postgres://user:pass@host:port/db} URL (also
 * {@code postgresql://}) or a JDBC URL ({@code jdbc:postgresql://host:port/db?user=...&password=...}).
 *
 * <p>TLS is required for every host that is not loopback: {@code sslmode} defaults to {@code require} there, may be
 * made stricter ({@code verify-ca}, {@code verify-full}), and a weaker mode is refused. The password never appears in
 * {@link #toString()}, in the JDBC URL this builds (it goes in the connection properties), or in messages that pass
 * through {@link #redact(String)}.
 *
 * @param hosts      one host, or several (JDBC's {@code host1:5432,host2:5432} form) as {@code host:port} strings
 * @param parameters connection parameters other than user and password, such as {@code sslmode}
 */
public record DatabaseUrl(List<String> hosts, String database, String user, String password,
                          Map<String, String> parameters) {

    public static final Set<String> TLS_MODES = Set.of("require", "verify-ca", "verify-full");
    private static final Set<String> ALL_SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca",
            "verify-full");
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

    public DatabaseUrl {
        hosts = List.copyOf(hosts);
        parameters = Map.copyOf(parameters);
    }

    /**
     * Parses a URL read from the environment variable {@code source} (named in messages, never the value) and applies
     * the TLS rule, with {@code sslModeOverride} (may be null) replacing the URL's {@code sslmode}.
     */
    public static DatabaseUrl parse(String url, String source, String sslModeOverride) {
        DatabaseUrl parsed;
        String trimmed = url.strip();
        if (trimmed.startsWith("postgres://") || trimmed.startsWith("postgresql://")) {
            parsed = parseHeroku(trimmed, source);
        } else if (trimmed.startsWith("jdbc:postgresql:")) {
            parsed = parseJdbc(trimmed, source);
        } else {
            throw new ConfigurationException(source + " must hold a postgres://, postgresql:// or jdbc:postgresql: URL");
        }
        return parsed.withTls(sslModeOverride, source);
    }

    /** The JDBC URL to connect to, without user or password. */
    public String jdbcUrl() {
        StringBuilder sb = new StringBuilder("jdbc:postgresql://").append(String.join(",", hosts)).append('/')
                .append(encode(database));
        char sep = '?';
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            sb.append(sep).append(p.getKey()).append('=').append(encode(p.getValue()));
            sep = '&';
        }
        return sb.toString();
    }

    /** User and password for {@link java.sql.DriverManager}. */
    public Properties credentials() {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        return props;
    }

    public String sslMode() {
        return parameters.getOrDefault("sslmode", "prefer");
    }

    /** Replaces every occurrence of the password in {@code text} by {@code ****}. */
    public String redact(String text) {
        if (text == null || password == null || password.isEmpty()) {
            return text;
        }
        return text.replace(password, "****");
    }

    /** {@code postgres://user:****@host:port/db}: safe to print. */
    @Override
    public String toString() {
        return "postgres://" + (user == null ? "" : user + (password == null ? "" : ":****") + "@")
                + String.join(",", hosts) + "/" + database;
    }

    private DatabaseUrl withTls(String sslModeOverride, String source) {
        Map<String, String> params = new LinkedHashMap<>(parameters);
        if (sslModeOverride != null) {
            params.put("sslmode", sslModeOverride);
        }
        String mode = params.get("sslmode");
        if (mode != null && !ALL_SSL_MODES.contains(mode)) {
            throw new ConfigurationException("unknown sslmode '" + mode + "' in " + source);
        }
        if (!allLoopback()) {
            if (mode == null) {
                params.put("sslmode", "require");
            } else if (!TLS_MODES.contains(mode)) {
                throw new ConfigurationException("TLS is required for " + String.join(",", hosts) + ": sslmode="
                        + mode + " in " + source + " is not allowed (use require, verify-ca or verify-full)");
            }
        }
        return new DatabaseUrl(hosts, database, user, password, params);
    }

    private boolean allLoopback() {
        for (String hostPort : hosts) {
            String host = hostPort.startsWith("[") ? hostPort.substring(1, hostPort.indexOf(']'))
                    : hostPort.contains(":") ? hostPort.substring(0, hostPort.lastIndexOf(':')) : hostPort;
            String h = host.toLowerCase(Locale.ROOT);
            boolean loopback = h.equals("localhost") || h.equals("::1") || h.matches("127(\\.\\d{1,3}){3}");
            if (!loopback) {
                return false;
            }
        }
        return true;
    }

    private static DatabaseUrl parseHeroku(String url, String source) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            // The message of URISyntaxException quotes the URL, password included: never show it.
            throw new ConfigurationException(source + " is not a valid URL (check for unescaped characters)");
        }
        if (uri.getHost() == null) {
            throw new ConfigurationException(source + " has no host");
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = percentDecode(colon < 0 ? userInfo : userInfo.substring(0, colon), source);
            password = colon < 0 ? null : percentDecode(userInfo.substring(colon + 1), source);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String database = percentDecode(path.startsWith("/") ? path.substring(1) : path, source);
        if (database.isEmpty()) {
            throw new ConfigurationException(source + " names no database (postgres://user:pass@host:port/DATABASE)");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = percentDecode(eq < 0 ? pair : pair.substring(0, eq), source);
                String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1), source);
                if (name.equals("user") || name.equals("password")) {
                    throw new ConfigurationException(source + ": put the user and password before the host");
                }
                if (!PARAMETER_NAME.matcher(name).matches()) {
                    throw new ConfigurationException(source + " has an invalid parameter name");
                }
                params.put(name, value);
            }
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]"
                : uri.getHost();
        return new DatabaseUrl(List.of(host + ":" + port), database, user, password, params);
    }

    private static DatabaseUrl parseJdbc(String url, String source) {
        Properties props = Driver.parseURL(url, new Properties());
        if (props == null) {
            throw new ConfigurationException(source + " is not a valid jdbc:postgresql: URL");
        }
        String[] hosts = props.getProperty("PGHOST", "localhost").split(",");
        String[] ports = props.getProperty("PGPORT", "5432").split(",");
        List<String> hostPorts = new java.util.ArrayList<>();
        for (int i = 0; i < hosts.length; i++) {
            String port = ports.length == hosts.length ? ports[i] : ports[0];
            String host = hosts[i].contains(":") && !hosts[i].startsWith("[") ? "[" + hosts[i] + "]" : hosts[i];
            hostPorts.add(host + ":" + port);
        }
        String database = props.getProperty("PGDBNAME", "");
        if (database.isEmpty()) {
            throw new ConfigurationException(source + " names no database");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : props.stringPropertyNames()) {
            if (!name.startsWith("PG") && !name.equals("user") && !name.equals("password")) {
                params.put(name, props.getProperty(name));
            }
        }
        return new DatabaseUrl(hostPorts, database, props.getProperty("user"), props.getProperty("password"),
                new java.util.TreeMap<>(params));
    }

    private static String percentDecode(String s, String source) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new ConfigurationException(source + " has an invalid %-escape");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new ConfigurationException(source + " has an invalid %-escape");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                int cp = s.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(cp) - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
