package io.auditdrain.receiver.local;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * How many bytes of request bodies the local server holds in memory at once, across all connections. Bodies are
 * collected without a worker, so without this bound every open connection could hold a whole body at the same time
 * (512 of 4.7 MB each). A body reserves what it may need before its first byte is read; when the budget is spent it
 * waits, unread, so its sender is slowed by TCP instead of being refused (a refusal Logplex would not retry). A
 * body larger than the whole budget still gets it when nothing else is held.
 */
final class BodyBudget {

    private record Waiter(long bytes, Runnable granted) {
    }

    private final long capacity;
    private final Executor executor;
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private long held;

    /** @param executor runs a waiting body's continuation once its bytes are free */
    BodyBudget(long capacity, Executor executor) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
        this.executor = executor;
    }

    /** A quarter of the heap: bodies are copied once more when complete, and their batches are encoded beside them. */
    static long forHeap(long maxHeapBytes) {
        return Math.max(maxHeapBytes / 4, 1);
    }

    /**
     * Takes {@code bytes} now and returns true; or, when they are not free, queues the request (first come, first
     * served) and returns false, and {@code granted} runs on the executor once they have been taken for it.
     */
    synchronized boolean take(long bytes, Runnable granted) {
        if (waiting.isEmpty() && fits(bytes)) {
            held += bytes;
            return true;
        }
        waiting.add(new Waiter(bytes, granted));
        return false;
    }

    /** Gives {@code bytes} back, and takes what the waiters at the head of the queue need. */
    void release(long bytes) {
        List<Runnable> granted = new ArrayList<>();
        synchronized (this) {
            held -= bytes;
            while (!waiting.isEmpty() && fits(waiting.peek().bytes())) {
                Waiter next = waiting.poll();
                held += next.bytes();
                granted.add(next.granted());
            }
        }
        granted.forEach(executor::execute);
    }

    synchronized long held() {
        return held;
    }

    synchronized int waiting() {
        return waiting.size();
    }

    private boolean fits(long bytes) {
        return held == 0 || held + bytes <= capacity;
    }
}
