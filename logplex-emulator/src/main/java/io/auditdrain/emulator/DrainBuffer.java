package io.auditdrain.emulator;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * Logplex's per-drain buffer (logplex_msg_buffer): a bounded queue of frames waiting to be sent. When it is full, the
 * oldest frame makes room for the newest and the loss is counted; the next batch then starts with Logplex's
 * {@code Error L10 (output buffer overflow): N messages dropped since T.} notice, a frame with no trailing LF.
 *
 * <p>Thread-safe: the log reader adds, the sender takes.
 */
final class DrainBuffer {

    private final int capacity;
    private final Clock clock;
    private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
    private long bufferedBytes;
    private long lostCount;
    private Instant lossStart;
    private long totalLost;
    private boolean closed;

    DrainBuffer(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("buffer capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.clock = clock;
    }

    /** Queues a frame; when the buffer is full the oldest one is dropped and counted as lost. */
    synchronized void add(byte[] frame) {
        if (frames.size() >= capacity) {
            bufferedBytes -= frames.removeFirst().length;
            if (lostCount == 0) {
                lossStart = clock.instant();
            }
            lostCount++;
            totalLost++;
        }
        frames.addLast(frame);
        bufferedBytes += frame.length;
        notifyAll();
    }

    /**
     * Waits for something to send, then up to {@code flushInterval} more for the batch to fill, and cuts a batch of
     * at most {@code maxBytes} (a single larger frame goes alone). Empty once the buffer is closed and drained.
     */
    synchronized Optional<LogplexBatch> take(int maxBytes, Duration flushInterval) throws InterruptedException {
        while (frames.isEmpty() && lostCount == 0) {
            if (closed) {
                return Optional.empty();
            }
            wait();
        }
        long deadline = System.nanoTime() + flushInterval.toNanos();
        while (!closed && bufferedBytes < maxBytes) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000), 0);
        }
        return Optional.of(cut(maxBytes));
    }

    /** Whether anything is waiting to be sent. */
    synchronized boolean isEmpty() {
        return frames.isEmpty() && lostCount == 0;
    }

    synchronized int size() {
        return frames.size();
    }

    /** Frames dropped because the buffer was full, since the start. */
    synchronized long totalLost() {
        return totalLost;
    }

    /** No more frames will be added; {@link #take} returns what is left, then empty. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    private LogplexBatch cut(int maxBytes) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(Math.min(maxBytes, 64 * 1024));
        int count = 0;
        if (lostCount > 0) {
            byte[] notice = SyslogMessage.overflowNotice(lostCount, lossStart, clock.instant()).frame();
            body.writeBytes(notice);
            count++;
            lostCount = 0;
            lossStart = null;
        }
        while (!frames.isEmpty()) {
            byte[] next = frames.peekFirst();
            if (count > 0 && body.size() + next.length > maxBytes) {
                break;
            }
            frames.removeFirst();
            bufferedBytes -= next.length;
            body.writeBytes(next);
            count++;
        }
        return new LogplexBatch(body.toByteArray(), count, LogplexBatch.newFrameId());
    }
}
