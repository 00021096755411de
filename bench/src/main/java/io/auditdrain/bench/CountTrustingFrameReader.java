package io.auditdrain.bench;

import io.auditdrain.core.Frame;
import java.util.ArrayList;
import java.util.List;

/**
 * The frame reader as it was before it resynchronised on visible frame starts (issue 13): it trusted a count unless a
 * frame start lay wholly inside the counted span. Kept only as the "before" of {@link FrameReaderBenchmark}.
 */
final class CountTrustingFrameReader {

    /** Six megabytes fit in 7 digits; a longer digit run is not a count. */
    private static final int MAX_COUNT_DIGITS = 8;

    private CountTrustingFrameReader() {
    }

    static List<Frame> read(byte[] body) {
        return read(body, body.length);
    }

    /** Reads the first {@code length} bytes of {@code body}. */
    static List<Frame> read(byte[] body, int length) {
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
        int digitsEnd = countPrefixEnd(b, pos, n);
        if (digitsEnd > 0) {
            int count = parseCount(b, pos, digitsEnd);
            int msgStart = digitsEnd + 1;
            boolean strong = msgStart < n && b[msgStart] == '<';
            int remaining = n - msgStart;
            if (count == remaining + 1 && strong) {
                // The count included a trailing LF that the body does not have: the message itself is whole.
                emit(out, msgStart, n, Frame.Kind.COUNTED);
                return n;
            }
            if (count > remaining) {
                if (strong) {
                    out.add(new Frame(msgStart, trimTrailingSeparators(b, msgStart, n) - msgStart, Frame.Kind.TRUNCATED));
                    return n;
                }
            } else {
                int msgEnd = msgStart + count;
                boolean endsWithLf = count > 0 && b[msgEnd - 1] == '\n';
                if (endsWithLf && (strong || atBoundary(b, msgEnd, n))) {
                    // The usual case: the count includes the message's trailing LF, which is framing, not content.
                    emit(out, msgStart, msgEnd - 1, Frame.Kind.COUNTED);
                    return msgEnd;
                }
                if (atBoundary(b, msgEnd, n)) {
                    emit(out, msgStart, msgEnd, Frame.Kind.COUNTED);
                    return msgEnd;
                }
                if (strong) {
                    int end = redelimit(b, msgStart, msgEnd, n);
                    emit(out, msgStart, end, Frame.Kind.COUNT_MISMATCH);
                    return end;
                }
            }
        }
        // No usable count here: keep everything up to the next plausible frame start as it is.
        int next = nextStrongFrameStart(b, pos + 1, n);
        emit(out, pos, trimTrailingSeparators(b, pos, next), Frame.Kind.UNFRAMED);
        return next;
    }

    private static void emit(List<Frame> out, int start, int end, Frame.Kind kind) {
        if (end > start || kind != Frame.Kind.COUNTED) {
            out.add(new Frame(start, end - start, kind));
        }
    }

    /**
     * The count disagreed with the body. If a frame start appears inside the counted span, the count was too long
     * and the message ends before it; otherwise it was too short and the message runs to the next frame start.
     */
    private static int redelimit(byte[] b, int msgStart, int countedEnd, int n) {
        int inner = nextStrongFrameStart(b, msgStart + 1, countedEnd);
        int end = inner < countedEnd ? inner : nextStrongFrameStart(b, countedEnd, n);
        return trimTrailingSeparators(b, msgStart, end);
    }

    /** True when {@code i} is the end of the body or, after optional separators, the start of a count prefix. */
    private static boolean atBoundary(byte[] b, int i, int n) {
        int j = skipSeparators(b, i, n);
        return j == n || countPrefixEnd(b, j, n) > 0;
    }

    /**
     * If a count prefix ({@code 1*8DIGIT SP}) starts at {@code pos}, returns the index of its SP; else -1.
     */
    private static int countPrefixEnd(byte[] b, int pos, int n) {
        int i = pos;
        int limit = Math.min(n, pos + MAX_COUNT_DIGITS);
        while (i < limit && isDigit(b[i])) {
            i++;
        }
        if (i == pos || i >= n || b[i] != ' ') {
            return -1;
        }
        return i;
    }

    private static int parseCount(byte[] b, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    /**
     * The next position at or after {@code from} (and before {@code limit}) where a frame visibly starts: a count
     * prefix followed by a syslog {@code <PRI>}, at the start of the body or right after a separator.
     */
    private static int nextStrongFrameStart(byte[] b, int from, int limit) {
        for (int i = Math.max(from, 0); i < limit; i++) {
            if (isDigit(b[i]) && (i == 0 || isSeparator(b[i - 1])) && isStrongFrameStart(b, i, limit)) {
                return i;
            }
        }
        return limit;
    }

    private static boolean isStrongFrameStart(byte[] b, int pos, int n) {
        int sp = countPrefixEnd(b, pos, n);
        if (sp < 0 || sp + 3 >= n || b[sp + 1] != '<') {
            return false;
        }
        int i = sp + 2;
        int digitsStart = i;
        while (i < n && i - digitsStart < 3 && isDigit(b[i])) {
            i++;
        }
        return i > digitsStart && i < n && b[i] == '>';
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
        while (e > start && (b[e - 1] == '\n' || b[e - 1] == '\r')) {
            e--;
        }
        return e;
    }

    private static boolean isSeparator(byte c) {
        return c == '\n' || c == ' ' || c == '\r' || c == '\t';
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }
}
