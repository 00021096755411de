package io.auditdrain.verifier.attest;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the attestation shows numbers, times and durations to a person (the JSON keeps them raw). */
public final class ReportFormat {

    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private ReportFormat() {
    }

    /** {@code 3d 4h}, {@code 2h 15m}, {@code 45m}, {@code 30s}. */
    public static String duration(long seconds) {
        long d = seconds / 86_400;
        long h = seconds % 86_400 / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        if (d > 0) {
            return d + "d" + (h > 0 ? " " + h + "h" : "");
        }
        if (h > 0) {
            return h + "h" + (m > 0 ? " " + m + "m" : "");
        }
        if (m > 0) {
            return m + "m" + (s > 0 ? " " + s + "s" : "");
        }
        return s + "s";
    }

    /** A latency: {@code 850 ms}, {@code 30.5 s}; a dash when there is none. */
    public static String millis(Long ms) {
        if (ms == null) {
            return "–";
        }
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** {@code 8,832}. */
    public static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 2026-03-14 10:15 UTC}, or to the second when the seconds matter. */
    public static String time(Instant t) {
        if (t == null) {
            return "–";
        }
        return (t.getEpochSecond() % 60 == 0 && t.getNano() == 0 ? MINUTE : SECOND).format(t) + " UTC";
    }

    /** {@code 99.97%} of a whole, to two places, never rounded up to 100% while something is missing. */
    public static String percent(long part, long whole) {
        if (whole <= 0) {
            return "–";
        }
        double p = 100.0 * part / whole;
        if (part < whole && p > 99.99) {
            p = 99.99;
        }
        return String.format(Locale.ROOT, "%.2f%%", p);
    }
}
