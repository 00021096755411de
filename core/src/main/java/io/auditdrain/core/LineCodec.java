package io.auditdrain.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How drained messages are stored: one message per line, each ending in LF, bytes as received, so that
 * {@code zcat | grep} works on a stored object. The escaping is minimal and reversible:
 * <ul>
 *   <li>LF inside a message is written as the two bytes {@code \n}, CR as {@code \r};</li>
 *   <li>a backslash is doubled only where it is followed by {@code n}, {@code r}, a backslash, LF or CR (the only
 *       places it could be misread);</li>
 *   <li>every other byte, including TAB, other control bytes and invalid UTF-8, is stored unchanged.</li>
 * </ul>
 * Decoding reads {@code \\} as a backslash, {@code \n} as LF, {@code \r} as CR, and any other backslash literally.
 */
public final class LineCodec {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    /** Every byte 0x0e (CR + 1): subtracting it borrows into the high bit of each byte below it. */
    private static final long BELOW_CR_PLUS_ONE = 0x0e0e0e0e0e0e0e0eL;
    private static final long ALL_BACKSLASH = 0x5c5c5c5c5c5c5c5cL;

    private LineCodec() {
    }

    /** Appends {@code src[off, off+len)} escaped, then LF. */
    public static void encode(byte[] src, int off, int len, ByteSink out) {
        int end = off + len;
        int runStart = off;
        for (int i = indexOfSpecial(src, off, end); i < end; i = indexOfSpecial(src, runStart, end)) {
            out.write(src, runStart, i - runStart);
            byte c = src[i];
            if (c == '\n') {
                out.write('\\');
                out.write('n');
            } else if (c == '\r') {
                out.write('\\');
                out.write('r');
            } else {
                out.write('\\');
                if (i + 1 < end && needsEscapedBackslash(src[i + 1])) {
                    out.write('\\');
                }
            }
            runStart = i + 1;
        }
        out.write(src, runStart, end - runStart);
        out.write('\n');
    }

    /**
     * The index of the first LF, CR or backslash in {@code b[from, end)}, or {@code end}. Almost every message has
     * none, so this looks at eight bytes per step (the classic tests for "a byte below n" and "a zero byte" on a
     * long) instead of one. The first test also flags TAB and the other control bytes below CR; those are rare
     * and simply checked one by one.
     */
    static int indexOfSpecial(byte[] b, int from, int end) {
        int i = from;
        while (i + Long.BYTES <= end) {
            long word = (long) LONGS.get(b, i);
            long flagged = ((word - BELOW_CR_PLUS_ONE) & ~word) | ((word ^ ALL_BACKSLASH) - ONES & ~(word ^ ALL_BACKSLASH));
            flagged &= HIGH_BITS;
            if (flagged == 0) {
                i += Long.BYTES;
                continue;
            }
            // Little-endian: the lowest flagged byte is the first candidate (a false flag can only follow a true one).
            int candidate = i + (Long.numberOfTrailingZeros(flagged) >>> 3);
            if (isSpecial(b[candidate])) {
                return candidate;
            }
            i = candidate + 1;
        }
        for (; i < end; i++) {
            if (isSpecial(b[i])) {
                return i;
            }
        }
        return end;
    }

    private static boolean isSpecial(byte c) {
        return c == '\n' || c == '\r' || c == '\\';
    }

    /** The bytes one encoded line stands for; {@code line} excludes its terminating LF. */
    public static byte[] decode(byte[] line, int off, int len) {
        ByteSink out = new ByteSink(len);
        int end = off + len;
        int runStart = off;
        for (int i = off; i < end; i++) {
            if (line[i] != '\\' || i + 1 >= end) {
                continue;
            }
            byte next = line[i + 1];
            byte decoded = next == 'n' ? (byte) '\n' : next == 'r' ? (byte) '\r' : next == '\\' ? (byte) '\\' : 0;
            if (decoded != 0) {
                out.write(line, runStart, i - runStart);
                out.write(decoded);
                i++;
                runStart = i + 1;
            }
        }
        out.write(line, runStart, end - runStart);
        return out.toByteArray();
    }

    /** Splits a decompressed object into its messages, decoded; a last line without LF is kept. */
    public static List<byte[]> decodeAll(byte[] content) {
        List<byte[]> messages = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n') {
                messages.add(decode(content, start, i - start));
                start = i + 1;
            }
        }
        if (start < content.length) {
            messages.add(decode(content, start, content.length - start));
        }
        return messages;
    }

    /** {@link #decodeAll} as UTF-8 text (invalid sequences become U+FFFD). */
    public static List<String> decodeAllUtf8(byte[] content) {
        List<byte[]> raw = decodeAll(content);
        List<String> lines = new ArrayList<>(raw.size());
        for (byte[] message : raw) {
            lines.add(new String(message, StandardCharsets.UTF_8));
        }
        return lines;
    }

    private static boolean needsEscapedBackslash(byte next) {
        return next == 'n' || next == 'r' || next == '\\' || next == '\n' || next == '\r';
    }
}
