package io.auditdrain.receiver.local;

import io.auditdrain.receiver.ingest.DrainRequestHandler;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.eclipse.jetty.io.Content;

/**
 * Collects a request's body as it arrives, without holding a worker thread in between: a sender that trickles its
 * body costs a connection and the bytes it sent so far, never one of the workers that valid senders need
 * (slowloris on bodies). Jetty calls {@link #run()} again whenever more content is there.
 *
 * <p>A body larger than Lambda would accept is counted and thrown away, up to {@link #DISCARD_LIMIT}, before the
 * 413: a client still sending when the server closes gets a connection reset instead of the answer.
 */
final class BodyCollector implements Runnable {

    /** How much of a too-large body is read and thrown away so that its sender sees the 413. */
    static final long DISCARD_LIMIT = 64L * 1024 * 1024;
    private static final int FIRST_BUFFER = 64 * 1024;

    /** What happens once the body is complete, or the connection failed before that. */
    interface Outcome {
        /** @param bytes the whole body, or {@code null} when it was too large ({@code seen} bytes arrived) */
        void complete(byte[] bytes, long seen);

        void failed(Throwable failure, long seen);
    }

    private final Content.Source source;
    private final Outcome outcome;
    private boolean tooLarge;
    private byte[] buffer;
    private int length;
    private long seen;

    private BodyCollector(Content.Source source, long declaredLength, Outcome outcome) {
        this.source = source;
        this.outcome = outcome;
        this.tooLarge = declaredLength > DrainRequestHandler.MAX_BODY_BYTES;
        // Grow with what arrives, never with what a header promises: a declared length costs nothing until sent.
        this.buffer = new byte[tooLarge ? 0 : FIRST_BUFFER];
    }

    /** Starts collecting; {@code outcome} is called exactly once, on whichever thread completes the body. */
    static void collect(Content.Source source, long declaredLength, Outcome outcome) {
        new BodyCollector(source, declaredLength, outcome).run();
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = source.read();
            if (chunk == null) {
                source.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                outcome.failed(chunk.getFailure(), seen);
                return;
            }
            boolean last = chunk.isLast();
            try {
                take(chunk.getByteBuffer());
            } finally {
                chunk.release();
            }
            if (last || (tooLarge && seen - DrainRequestHandler.MAX_BODY_BYTES >= DISCARD_LIMIT)) {
                outcome.complete(tooLarge ? null : Arrays.copyOf(buffer, length), seen);
                return;
            }
        }
    }

    private void take(ByteBuffer bytes) {
        int n = bytes.remaining();
        seen += n;
        if (tooLarge) {
            return;
        }
        if (seen > DrainRequestHandler.MAX_BODY_BYTES) {
            tooLarge = true;
            buffer = null;
            return;
        }
        if (length + n > buffer.length) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(
                    Math.max((long) buffer.length * 2, length + n), DrainRequestHandler.MAX_BODY_BYTES));
        }
        bytes.get(buffer, length, n);
        length += n;
    }
}
