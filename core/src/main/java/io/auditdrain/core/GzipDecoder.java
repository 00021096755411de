package io.auditdrain.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/** Decompresses a stored object (all gzip members, as {@code zcat} does). */
public final class GzipDecoder {

    private GzipDecoder() {
    }

    public static byte[] decode(byte[] gzip) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), 8192)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new CorruptObjectException("not a valid gzip object: " + e.getMessage(), e);
        }
    }
}
