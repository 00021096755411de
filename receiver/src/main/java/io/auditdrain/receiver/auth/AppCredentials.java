package io.auditdrain.receiver.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The secrets that currently open one app's drain: the current one and, during a rotation, the previous one. Only
 * their SHA-256 digests are kept, and comparing digests of equal length makes the check constant-time whatever the
 * presented secret's length.
 */
public final class AppCredentials {

    private final String app;
    private final List<byte[]> digests;

    private AppCredentials(String app, List<byte[]> digests) {
        this.app = app;
        this.digests = digests;
    }

    /** @param secrets the accepted secrets, current first; blank ones are ignored */
    public static AppCredentials of(String app, List<String> secrets) {
        List<byte[]> digests = new ArrayList<>(secrets.size());
        for (String secret : secrets) {
            if (secret != null && !secret.isBlank()) {
                digests.add(sha256(secret.strip()));
            }
        }
        if (digests.isEmpty()) {
            throw new IllegalArgumentException("no secret for app " + app);
        }
        return new AppCredentials(app, List.copyOf(digests));
    }

    public String app() {
        return app;
    }

    /** True when {@code presented} equals any accepted secret. Every digest is compared, with no early exit. */
    public boolean accepts(String presented) {
        byte[] candidate = sha256(presented);
        boolean match = false;
        for (byte[] digest : digests) {
            match |= MessageDigest.isEqual(candidate, digest);
        }
        return match;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "AppCredentials[" + app + ", " + digests.size() + " secret(s)]";
    }
}
