package io.auditdrain.core;

import java.util.Arrays;

/**
 * A growable byte array without {@link java.io.ByteArrayOutputStream}'s locking, reusable across requests through
 * {@link #reset()}.
 */
public final class ByteSink {

    private byte[] buf;
    private int size;

    public ByteSink(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public void write(int b) {
        if (size == buf.length) {
            grow(size + 1);
        }
        buf[size++] = (byte) b;
    }

    public void write(byte[] src, int off, int len) {
        if (len > buf.length - size) {
            grow(size + len);
        }
        System.arraycopy(src, off, buf, size, len);
        size += len;
    }

    public void reset() {
        size = 0;
    }

    public int size() {
        return size;
    }

    /** The backing array; only the first {@link #size()} bytes are content. */
    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void grow(int minCapacity) {
        buf = Arrays.copyOf(buf, Math.max(minCapacity, buf.length * 2));
    }
}
