package io.auditdrain.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a Logplex HTTPS drain body (RFC 6587 octet counting: {@code <len> SP <message>}, back to back) into frames.
 * The rule is written out for operators in docs/framing.md; keep the two in step.
 *
 * <p>Counts are in bytes. The reader never fails and never drops a byte of content: every byte of the body ends up in
 * exactly one frame, or is the count prefix ({@code 1*8DIGIT SP}, no leading zero) right before a frame, or is
 * separator whitespace (LF, CR, SP, TAB) between frames.
 *
 * <p>A <em>frame start</em> is a count prefix followed by a syslog {@code <PRI>} ({@code <}, 1-3 digits, {@code >}).
 * A frame start is <em>confirmed</em> when its own count ends at an LF, or (through at most a few separators) at
 * another frame start or the end of the body, or one byte past the end (a final LF the body lacks).
 *
 * <p><b>The count is trusted when it agrees with the body</b>: the counted message ends with an LF (the usual form;
 * the LF is framing), or what follows it is the end of the body, or a frame start after a line break, or a frame
 * start that is confirmed. A frame start right after the message or after spaces (messages hold spaces and often end
 * in digits, and Logplex glues frames without LF) whose count does not work out is still accepted, unless the digits
 * there split elsewhere into a confirmed count: then the count was off by a digit or a few bytes.
 *
 * <p><b>Otherwise the reader resynchronises on the next visible frame start.</b> When the count disagrees in either
 * direction, or runs past the end of the body, the message ends where the next frame starts after its first byte:
 * the whole digit run before {@code SP <PRI>} when a line break precedes it; else the longest split of that run
 * into a confirmed count; else the whole run when a space precedes it. With no frame start left, the message is the
 * rest of the body ({@link Frame.Kind#TRUNCATED} when the count ran past the end). Such a message is
 * {@link Frame.Kind#COUNT_MISMATCH}, and its trailing separators are framing. Bytes with no usable count at all are
 * kept as they are, {@link Frame.Kind#UNFRAMED}, up to the next frame start. An empty counted message ({@code 1 LF})
 * is an empty frame, whatever follows it.
 *
 * <p>So every well-formed frame after a damaged count comes out as its own message, with or without LFs between
 * frames, as do the usual quirks: a count that includes the trailing LF or excludes it, frames with no LF at all,
 * whitespace before a count, a count in characters instead of bytes, garbage between frames. What no reader can
 * tell apart, and this one reads as the counts say: a wrong count that lands exactly on a later frame boundary; where
 * frames are glued without a line break, a damaged count whose digits also split into a count that lands on one; and
 * text that looks like a frame start inside a message whose own count is wrong (the message is split there). No byte
 * is lost in any of these. The work per byte is bounded: each frame checks a constant number of counts.
 */
public final class LogplexFrameReader {

    /** Six megabytes fit in 7 digits; a longer digit run is not a count. */
    private static final int MAX_COUNT_DIGITS = 8;
    /**
     * How many separators a count is checked through to what follows it (senders write one LF). The bound keeps the
     * work per frame constant whatever the counts point at; a message followed by more is re-delimited, not lost.
     */
    private static final int MAX_SEPARATORS_BETWEEN_FRAMES = 64;

    private LogplexFrameReader() {
    }

    public static List<Frame> read(byte[] body) {
        return read(body, body.length);
    }

    /** Reads the first {@code length} bytes of {@code body}. */
    public static List<Frame> read(byte[] body, int length) {
        if (length < 0 || length > body.length) {
            throw new IndexOutOfBoundsException("length " + length + " outside body of " + body.length + " bytes");
        }
        List<Frame> frames = new ArrayList<>(Math.max(4, length / 256));
        int pos = skipSeparators(body, 0, length);
        while (pos < length) {
            pos = readOne(body, pos, length, frames);
            pos = skipSeparators(body, pos, length);
        }
        return frames;
    }

    /** Reads the frame (or unframed run) that starts at {@code pos}; returns the position after it. */
    private static int readOne(byte[] b, int pos, int n, List<Frame> out) {
        int sp = countPrefixEnd(b, pos, n);
        if (sp > 0) {
            int msgStart = sp + 1;
            long countedEnd = (long) msgStart + parseCount(b, pos, sp);
            boolean strong = isPri(b, msgStart, n);
            if (countedEnd <= n) {
                int end = (int) countedEnd;
                boolean endsWithLf = end > msgStart && b[end - 1] == '\n';
                // An empty counted message ({@code 1 LF}) is an empty line whatever follows it.
                boolean empty = end == msgStart + 1 && endsWithLf;
                if ((strong && endsWithLf) || empty || agreesAt(b, end, n)) {
                    // The trailing LF that a count usually includes is framing, not content.
                    int msgEnd = endsWithLf ? end - 1 : end;
                    out.add(new Frame(msgStart, msgEnd - msgStart, Frame.Kind.COUNTED));
                    return end;
                }
                if (strong) {
                    return resynchronise(b, msgStart, n, Frame.Kind.COUNT_MISMATCH, out);
                }
            } else if (strong) {
                int next = nextFrameStart(b, msgStart + 1, n);
                if (next == n && countedEnd == n + 1L) {
                    // The count included a trailing LF that the body does not have: the message itself is whole.
                    out.add(new Frame(msgStart, n - msgStart, Frame.Kind.COUNTED));
                    return n;
                }
                out.add(new Frame(msgStart, trimTrailingSeparators(b, msgStart, next) - msgStart,
                        next < n ? Frame.Kind.COUNT_MISMATCH : Frame.Kind.TRUNCATED));
                return next;
            }
        }
        // No usable count here: keep everything up to the next frame start as it is.
        return resynchronise(b, pos, n, Frame.Kind.UNFRAMED, out);
    }

    /** Emits {@code [start, next frame start)} without its trailing separators; returns that frame start. */
    private static int resynchronise(byte[] b, int start, int n, Frame.Kind kind, List<Frame> out) {
        int next = nextFrameStart(b, start + 1, n);
        out.add(new Frame(start, trimTrailingSeparators(b, start, next) - start, kind));
        return next;
    }

    /** Whether a message counted to end at {@code end} agrees with what follows it in the body. */
    private static boolean agreesAt(byte[] b, int end, int n) {
        int next = skipSeparators(b, end, (int) Math.min(n, (long) end + MAX_SEPARATORS_BETWEEN_FRAMES));
        if (next == n) {
            return true;
        }
        if (!isFrameStart(b, next, n)) {
            return false;
        }
        if (isLineBreak(b[end - 1]) || isConfirmed(b, next, n)) {
            return true;
        }
        for (int i = end; i < next; i++) {
            if (isLineBreak(b[i])) {
                return true;
            }
        }
        // A frame start right after the counted message or a space (messages hold spaces and end in digits), whose
        // own count does not work out: if the digits there split elsewhere into a count that does, this count was
        // off by a digit or a few bytes.
        int sp = countPrefixEnd(b, next, n);
        int first = next == end && isDigit(b[end - 1]) ? digitRunStart(b, end - 1) : next;
        for (int s = Math.max(first, sp - MAX_COUNT_DIGITS); s < sp; s++) {
            if (s != next && isConfirmed(b, s, n)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first frame start at or after {@code from}, or {@code n}. Scans for {@code SP <PRI>} and splits the digit
     * run before it: the whole run when it follows a line break; else the longest count that is confirmed (a message
     * may end in digits, as in {@code bytes=656}, right before the next count); else the whole run when it follows a
     * space or TAB.
     */
    private static int nextFrameStart(byte[] b, int from, int n) {
        for (int i = Math.max(from, 1); i + 3 < n; i++) {
            if (b[i] != ' ' || b[i + 1] != '<' || !isDigit(b[i - 1]) || !isPri(b, i + 1, n)) {
                continue;
            }
            int runStart = digitRunStart(b, i - 1);
            boolean whole = runStart >= from && b[runStart] != '0';
            if (whole && (runStart == 0 || isLineBreak(b[runStart - 1]))) {
                return runStart;
            }
            for (int s = Math.max(runStart, from); s < i; s++) {
                if (isConfirmed(b, s, n)) {
                    return s;
                }
            }
            if (whole && isSeparator(b[runStart - 1])) {
                return runStart;
            }
        }
        return n;
    }

    /**
     * Whether the frame start at {@code s} is borne out by its count: the counted message ends with an LF, or is
     * followed (after a few separators) by the end of the body or another frame start, or lacks only a final LF.
     */
    private static boolean isConfirmed(byte[] b, int s, int n) {
        int sp = countPrefixEnd(b, s, n);
        if (sp < 0) {
            return false;
        }
        long end = sp + 1L + parseCount(b, s, sp);
        if (end >= n) {
            return end <= n + 1L;
        }
        int e = (int) end;
        if (e > sp + 1 && b[e - 1] == '\n') {
            return true;
        }
        int next = skipSeparators(b, e, (int) Math.min(n, end + MAX_SEPARATORS_BETWEEN_FRAMES));
        return next == n || isFrameStart(b, next, n);
    }

    /**
     * The first index of the run of digits that ends at {@code last}, looking back no further than a count (a run
     * cut short there is preceded by a digit, so it never counts as following a separator).
     */
    private static int digitRunStart(byte[] b, int last) {
        int s = last;
        while (s > 0 && last - s < MAX_COUNT_DIGITS - 1 && isDigit(b[s - 1])) {
            s--;
        }
        return s;
    }

    /**
     * If a count prefix starts at {@code pos}, returns the index of its SP; else -1. RFC 6587's MSG-LEN has no
     * leading zero, which also keeps a message's trailing {@code 0} out of the next count.
     */
    private static int countPrefixEnd(byte[] b, int pos, int n) {
        if (pos >= n || b[pos] < '1' || b[pos] > '9') {
            return -1;
        }
        int i = pos + 1;
        int limit = Math.min(n, pos + MAX_COUNT_DIGITS);
        while (i < limit && isDigit(b[i])) {
            i++;
        }
        return i < n && b[i] == ' ' ? i : -1;
    }

    private static int parseCount(byte[] b, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    /** A count prefix followed by a syslog {@code <PRI>}. */
    private static boolean isFrameStart(byte[] b, int pos, int n) {
        int sp = countPrefixEnd(b, pos, n);
        return sp > 0 && isPri(b, sp + 1, n);
    }

    /** {@code <} 1-3 digits {@code >} at {@code pos}. */
    private static boolean isPri(byte[] b, int pos, int n) {
        if (pos >= n || b[pos] != '<') {
            return false;
        }
        int i = pos + 1;
        while (i < n && i - pos <= 3 && isDigit(b[i])) {
            i++;
        }
        return i > pos + 1 && i < n && b[i] == '>';
    }

    private static int skipSeparators(byte[] b, int pos, int n) {
        int i = pos;
        while (i < n && isSeparator(b[i])) {
            i++;
        }
        return i;
    }

    private static int trimTrailingSeparators(byte[] b, int start, int end) {
        int e = end;
        while (e > start && isSeparator(b[e - 1])) {
            e--;
        }
        return e;
    }

    private static boolean isSeparator(byte c) {
        return c == '\n' || c == ' ' || c == '\r' || c == '\t';
    }

    private static boolean isLineBreak(byte c) {
        return c == '\n' || c == '\r';
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }
}
