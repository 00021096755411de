package io.auditdrain.digest;

import io.auditdrain.core.AppName;
import io.auditdrain.core.DatedKeyFormat;
import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.core.ProofKeyLayout;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where digests live: {@code digests/<app>/<YYYY>/<MM>/<DD>/<HHMM>.jsonl}, named after the start of their interval
 * (UTC), beside {@code logs/} and never under it. Keys sort by time within an app, as object keys do.
 */
public final class DigestLayout {

    public static final String ROOT = "digests/";
    public static final String SUFFIX = ".jsonl";

    /**
     * What an app's digests cover: its drained objects and the scheduled verification's run records, each key in
     * the interval that holds its time. A run record removed or altered is then a finding like a drained object.
     */
    public static final List<DatedKeyFormat> COVERED = List.of(ObjectKeyLayout.FORMAT, ProofKeyLayout.FORMAT);

    private static final Pattern KEY = Pattern.compile(
            "digests/([a-z][a-z0-9-]{1,28}[a-z0-9])/(\\d{4})/(\\d{2})/(\\d{2})/(\\d{2})(\\d{2})\\.jsonl");

    /** A parsed digest key. */
    public record DigestKey(String app, Instant start) {
    }

    private DigestLayout() {
    }

    /** The key of {@code app}'s digest for the interval starting at {@code start}. */
    public static String key(String app, Instant start) {
        ZonedDateTime t = start.atZone(ZoneOffset.UTC);
        if (t.getSecond() != 0 || t.getNano() != 0) {
            throw new IllegalArgumentException("a digest interval starts on a whole minute: " + start);
        }
        return dayPrefix(app, t.toLocalDate()) + String.format("%02d%02d", t.getHour(), t.getMinute()) + SUFFIX;
    }

    /** {@code digests/<app>/<YYYY>/<MM>/<DD>/}: the digests of one UTC day. */
    public static String dayPrefix(String app, LocalDate day) {
        return String.format("%s%s/%04d/%02d/%02d/", ROOT, AppName.require(app), day.getYear(), day.getMonthValue(),
                day.getDayOfMonth());
    }

    /** {@code digests/<app>/}. */
    public static String appPrefix(String app) {
        return ROOT + AppName.require(app) + '/';
    }

    /** Parses a digest key; throws {@link IllegalArgumentException} for anything that is not one. */
    public static DigestKey parse(String key) {
        Matcher m = key == null ? null : KEY.matcher(key);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("not a digest key (digests/<app>/<YYYY>/<MM>/<DD>/<HHMM>.jsonl): "
                    + key);
        }
        try {
            LocalDate day = LocalDate.of(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)));
            LocalTime time = LocalTime.of(Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)));
            return new DigestKey(m.group(1), day.atTime(time).toInstant(ZoneOffset.UTC));
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("not a digest key (no such date or time): " + key, e);
        }
    }

    public static boolean isDigestKey(String key) {
        try {
            parse(key);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
