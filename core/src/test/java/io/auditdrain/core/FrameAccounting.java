package io.auditdrain.core;

import java.util.List;

/**
 * The frame reader's lossless promise, checked strictly: frames are in order and inside the body, and every byte
 * outside them is separator whitespace or the count prefix ({@code 1*8DIGIT SP}) directly before a counted frame.
 * So nothing is dropped, and nothing but a count and whitespace is left out of the stored lines.
 */
public final class FrameAccounting {

    private FrameAccounting() {
    }

    /** The first byte not accounted for, described; null when every byte is. */
    public static String problem(byte[] body, List<Frame> frames) {
        int pos = 0;
        for (Frame f : frames) {
            if (f.offset() < pos || f.length() < 0 || f.end() > body.length) {
                return "frame out of order or outside the body: " + f + " after position " + pos;
            }
            int gapEnd = f.offset();
            if (f.kind() != Frame.Kind.UNFRAMED) {
                int digits = countPrefixBefore(body, pos, f.offset());
                if (digits < 0) {
                    return "counted frame " + f + " has no count prefix right before it";
                }
                gapEnd = f.offset() - 1 - digits;
            }
            for (int i = pos; i < gapEnd; i++) {
                if (!isSeparator(body[i])) {
                    return "byte " + i + " (" + (body[i] & 0xff) + ") before " + f + " is in no frame";
                }
            }
            pos = f.end();
        }
        for (int i = pos; i < body.length; i++) {
            if (!isSeparator(body[i])) {
                return "byte " + i + " (" + (body[i] & 0xff) + ") after the last frame is in no frame";
            }
        }
        return null;
    }

    /** How many count digits precede the SP right before {@code offset}, or -1 when there is no count prefix. */
    private static int countPrefixBefore(byte[] body, int from, int offset) {
        int sp = offset - 1;
        if (sp < from || body[sp] != ' ') {
            return -1;
        }
        int i = sp;
        while (i > from && sp - i < 8 && body[i - 1] >= '0' && body[i - 1] <= '9') {
            i--;
        }
        return i == sp ? -1 : sp - i;
    }

    private static boolean isSeparator(byte c) {
        return c == '\n' || c == '\r' || c == ' ' || c == '\t';
    }
}
