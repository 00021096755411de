package io.auditdrain.core;

/**
 * Reads the RFC 5424 timestamp of a Logplex message ({@code 2012-11-30T06:45:29+00:00},
 * {@code 2020-01-08T22:33:57.353034+00:00}) straight from the message bytes: this runs once per drained line, so it
 * allocates nothing and uses no regular expression.
 */
public final class SyslogTimestamp {

    /** Returned when the message has no timestamp that parses. */
    public static final long UNPARSEABLE = Long.MIN_VALUE;

    private static final int MAX_PRI_DIGITS = 3;
    private static final int MAX_VERSION_DIGITS = 2;

    private SyslogTimestamp() {
    }

    /**
     * The epoch milliseconds of the timestamp field of the message {@code b[off, off+len)}, which must start with
     * {@code <PRI>VERSION SP TIMESTAMP SP}; {@link #UNPARSEABLE} otherwise.
     */
    public static long ofMessage(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        if (i >= end || b[i] != '<') {
            return UNPARSEABLE;
        }
        i = skipDigits(b, i + 1, end, MAX_PRI_DIGITS);
        if (i < 0 || i >= end || b[i] != '>') {
            return UNPARSEABLE;
        }
        i = skipDigits(b, i + 1, end, MAX_VERSION_DIGITS);
        if (i < 0 || i >= end || b[i] != ' ') {
            return UNPARSEABLE;
        }
        int start = i + 1;
        int stop = start;
        while (stop < end && b[stop] != ' ') {
            stop++;
        }
        return parse(b, start, stop);
    }

    /** Parses an RFC 3339 timestamp occupying exactly {@code b[from, to)}; {@link #UNPARSEABLE} if it is not one. */
    public static long parse(byte[] b, int from, int to) {
        // YYYY-MM-DDTHH:MM:SS is 19 bytes, then an optional fraction, then Z or an offset.
        if (to - from < 20 || b[from + 4] != '-' || b[from + 7] != '-' || (b[from + 10] != 'T' && b[from + 10] != 't')
                || b[from + 13] != ':' || b[from + 16] != ':') {
            return UNPARSEABLE;
        }
        int year = digits(b, from, 4);
        int month = digits(b, from + 5, 2);
        int day = digits(b, from + 8, 2);
        int hour = digits(b, from + 11, 2);
        int minute = digits(b, from + 14, 2);
        int second = digits(b, from + 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 60) {
            return UNPARSEABLE;
        }
        int i = from + 19;
        int millis = 0;
        if (b[i] == '.') {
            int fracStart = ++i;
            while (i < to && isDigit(b[i])) {
                if (i - fracStart < 3) {
                    millis = millis * 10 + (b[i] - '0');
                }
                i++;
            }
            int fracDigits = i - fracStart;
            if (fracDigits == 0) {
                return UNPARSEABLE;
            }
            for (int d = fracDigits; d < 3; d++) {
                millis *= 10;
            }
        }
        int offsetSeconds;
        if (i == to - 1 && (b[i] == 'Z' || b[i] == 'z')) {
            offsetSeconds = 0;
        } else if (i == to - 6 && (b[i] == '+' || b[i] == '-') && b[i + 3] == ':') {
            int oh = digits(b, i + 1, 2);
            int om = digits(b, i + 4, 2);
            if (oh < 0 || oh > 23 || om < 0 || om > 59) {
                return UNPARSEABLE;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == '-' ? -1 : 1);
        } else {
            return UNPARSEABLE;
        }
        // A leap second is stored as the last millisecond-aligned second of its minute.
        int sec = Math.min(second, 59);
        long epochSeconds = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + sec - offsetSeconds;
        return epochSeconds * 1000L + millis;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
    static long epochDay(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yoe = y - era * 400;
        int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097L + doe - 719_468L;
    }

    private static int daysInMonth(int year, int month) {
        switch (month) {
            case 2:
                boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
                return leap ? 29 : 28;
            case 4:
            case 6:
            case 9:
            case 11:
                return 30;
            default:
                return 31;
        }
    }

    private static int digits(byte[] b, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            if (!isDigit(b[i])) {
                return -1;
            }
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    private static int skipDigits(byte[] b, int from, int end, int max) {
        int i = from;
        while (i < end && i - from < max && isDigit(b[i])) {
            i++;
        }
        return i == from ? -1 : i;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }
}
