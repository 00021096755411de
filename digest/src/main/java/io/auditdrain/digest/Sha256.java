package io.auditdrain.digest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as the digests write it: lower-case hex. */
public final class Sha256 {

    private static final HexFormat HEX = HexFormat.of();

    private Sha256() {
    }

    /** A fresh SHA-256 digest (every JDK has one). */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /** Lower-case hex of the SHA-256 of {@code data}. */
    public static String hex(byte[] data) {
        return HEX.formatHex(newDigest().digest(data));
    }

    /** Lower-case hex of an already computed hash. */
    public static String toHex(byte[] hash) {
        return HEX.formatHex(hash);
    }

    /** Whether {@code value} has the form of a hex SHA-256 (64 lower-case hex digits). */
    public static boolean isHex(String value) {
        if (value == null || value.length() != 64) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
