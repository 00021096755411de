package io.auditdrain.bench;

import io.auditdrain.core.ByteSink;

/**
 * The "before" of {@link io.auditdrain.core.LineCodec#encode}: the same escaping, looking at one byte per step.
 * Kept only so that the benchmark shows what the word-at-a-time search bought, in the same run.
 */
final class ByteAtATimeLineEncoder {

    private ByteAtATimeLineEncoder() {
    }

    static void encode(byte[] src, int off, int len, ByteSink out) {
        int end = off + len;
        int runStart = off;
        for (int i = off; i < end; i++) {
            byte c = src[i];
            if (c != '\n' && c != '\r' && c != '\\') {
                continue;
            }
            out.write(src, runStart, i - runStart);
            out.write('\\');
            if (c == '\n') {
                out.write('n');
            } else if (c == '\r') {
                out.write('r');
            } else if (i + 1 < end && "nr\\\n\r".indexOf(src[i + 1]) >= 0) {
                out.write('\\');
            }
            runStart = i + 1;
        }
        out.write(src, runStart, end - runStart);
        out.write('\n');
    }
}
