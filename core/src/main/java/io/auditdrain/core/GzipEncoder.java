package io.auditdrain.core;

import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes one gzip member (RFC 1952) around raw DEFLATE output. Unlike {@link java.util.zip.GZIPOutputStream} it takes
 * a compression level and keeps its {@link Deflater} (native memory) across calls. Not thread-safe: use one per
 * thread, and {@link #close()} it when done.
 */
public final class GzipEncoder implements AutoCloseable {

    private static final byte[] HEADER = {
        0x1f, (byte) 0x8b, // magic
        Deflater.DEFLATED, // method
        0, // flags
        0, 0, 0, 0, // mtime: none, so equal input gives equal output
        0, // extra flags
        (byte) 0xff // OS: unknown
    };

    private final Deflater deflater;
    private final CRC32 crc = new CRC32();
    private final byte[] chunk = new byte[64 * 1024];

    /** @param level 0 (store) to 9 (smallest), as {@link Deflater} */
    public GzipEncoder(int level) {
        if (level < Deflater.NO_COMPRESSION || level > Deflater.BEST_COMPRESSION) {
            throw new IllegalArgumentException("gzip level must be 0..9, was " + level);
        }
        this.deflater = new Deflater(level, true);
    }

    /**
     * Compresses {@code src[off, off+len)} into {@code out} (appended) as one gzip member.
     *
     * @return the CRC-32 of the input, as written in the member's trailer
     */
    public long encode(byte[] src, int off, int len, ByteSink out) {
        deflater.reset();
        crc.reset();
        crc.update(src, off, len);
        out.write(HEADER, 0, HEADER.length);
        deflater.setInput(src, off, len);
        deflater.finish();
        while (!deflater.finished()) {
            int n = deflater.deflate(chunk);
            out.write(chunk, 0, n);
        }
        long checksum = crc.getValue();
        writeIntLe(out, (int) checksum);
        writeIntLe(out, len);
        return checksum;
    }

    public byte[] encode(byte[] src) {
        ByteSink out = new ByteSink(src.length / 4 + 64);
        encode(src, 0, src.length, out);
        return out.toByteArray();
    }

    private static void writeIntLe(ByteSink out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    @Override
    public void close() {
        deflater.end();
    }
}
