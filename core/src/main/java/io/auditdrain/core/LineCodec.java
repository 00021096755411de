package io.auditdrain.core;

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

    private LineCodec() {
    }

    /** Appends {@code src[off, off+len)} escaped, then LF. */
    public static void encode(byte[] src, int off, int len, ByteSink out) {
        int end = off + len;
        int runStart = off;
        for (int i = off; i < end; i++) {
            byte c = src[i];
            if (c != '\n' && c != '\r' && c != '\\') {
                continue;
            }
            out.write(src, runStart, i - runStart);
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
