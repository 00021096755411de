package io.auditdrain.emulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits the text of one log event into syslog messages the way PostgreSQL's {@code write_syslog} does (elog.c):
 * one chunk per line, the LF itself dropped; a line longer than the limit split at the last whitespace before the
 * limit (or at the limit when the line has none), never inside a UTF-8 character; the whitespace at a split starts
 * the next chunk. Heroku Postgres sends each chunk as {@code [N-M]}.
 */
final class SyslogChunker {

    /** PostgreSQL's PG_SYSLOG_LIMIT. */
    static final int POSTGRES_LIMIT = 900;
    /** Below this a chunk could not hold one UTF-8 character plus a split. */
    static final int MIN_LIMIT = 16;

    private SyslogChunker() {
    }

    static List<byte[]> split(byte[] text, int limit) {
        if (limit < MIN_LIMIT) {
            throw new IllegalArgumentException("chunk limit must be at least " + MIN_LIMIT + " bytes: " + limit);
        }
        List<byte[]> chunks = new ArrayList<>();
        int pos = 0;
        int end = text.length;
        while (pos < end) {
            if (text[pos] == '\n') {
                pos++;
                continue;
            }
            int lineEnd = indexOf(text, (byte) '\n', pos, end);
            int length = Math.min((lineEnd < 0 ? end : lineEnd) - pos, limit);
            length = utf8ClipLength(text, pos, length);
            int next = pos + length;
            if (next < end && !isSpace(text[next])) {
                int i = length - 1;
                while (i > 0 && !isSpace(text[pos + i])) {
                    i--;
                }
                if (i > 0) {
                    length = i;
                }
            }
            chunks.add(Arrays.copyOfRange(text, pos, pos + length));
            pos += length;
        }
        return chunks;
    }

    /** The longest prefix of {@code text[pos, pos+max)} made of whole UTF-8 characters (PostgreSQL's pg_mbcliplen). */
    static int utf8ClipLength(byte[] text, int pos, int max) {
        int i = 0;
        while (i < max) {
            int charLength = utf8Length(text[pos + i]);
            if (i + charLength > max) {
                break;
            }
            i += charLength;
        }
        return i;
    }

    private static int utf8Length(byte lead) {
        int b = lead & 0xff;
        if (b < 0x80) {
            return 1;
        }
        if ((b & 0xe0) == 0xc0) {
            return 2;
        }
        if ((b & 0xf0) == 0xe0) {
            return 3;
        }
        if ((b & 0xf8) == 0xf0) {
            return 4;
        }
        return 1;
    }

    /** C's isspace in the C locale. */
    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    private static int indexOf(byte[] text, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
