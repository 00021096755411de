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
 * <p>Before its first byte is read, a body reserves from the server's {@link BodyBudget} what it may need: its declared
 * length, or the largest body accepted when it declares none. Once reserved it never waits again; the reservation
 * is given back when the outcome has run.
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
    private final BodyBudget budget;
    private final long declaredLength;
    private final long reserved;
    private final Outcome outcome;
    private boolean tooLarge;
    private byte[] buffer;
    private int length;
    private long seen;

    private BodyCollector(Content.Source source, BodyBudget budget, long declaredLength, Outcome outcome) {
        this.source = source;
        this.budget = budget;
        this.outcome = outcome;
        this.declaredLength = declaredLength;
        this.tooLarge = declaredLength > DrainRequestHandler.MAX_BODY_BYTES;
        // A body that is only counted and discarded holds nothing.
        this.reserved = tooLarge ? 0 : declaredLength >= 0 ? declaredLength : DrainRequestHandler.MAX_BODY_BYTES;
        // Allocated when the first bytes arrive: a declared length costs nothing until sent.
        this.buffer = new byte[0];
    }

    /**
     * Starts collecting once the budget allows; {@code outcome} is called exactly once, on whichever thread completes
     * the body.
     */
    static void collect(Content.Source source, BodyBudget budget, long declaredLength, Outcome outcome) {
        BodyCollector collector = new BodyCollector(source, budget, declaredLength, outcome);
        if (budget.take(collector.reserved, collector)) {
            collector.run();
        }
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
                try {
                    outcome.failed(chunk.getFailure(), seen);
                } finally {
                    budget.release(reserved);
                }
                return;
            }
            boolean last = chunk.isLast();
            try {
                take(chunk.getByteBuffer());
            } finally {
                chunk.release();
            }
            if (last || (tooLarge && seen - DrainRequestHandler.MAX_BODY_BYTES >= DISCARD_LIMIT)) {
                byte[] body = tooLarge ? null : length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
                buffer = null;
                try {
                    outcome.complete(body, seen);
                } finally {
                    budget.release(reserved);
                }
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
            // A declared length was reserved already: take it whole, once; a chunked body grows by doubling.
            long size = declaredLength >= length + n ? declaredLength
                    : Math.max(Math.max((long) buffer.length * 2, FIRST_BUFFER), length + n);
            buffer = Arrays.copyOf(buffer, (int) Math.min(size, DrainRequestHandler.MAX_BODY_BYTES));
        }
        bytes.get(buffer, length, n);
        length += n;
    }
}
