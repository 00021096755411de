package io.auditdrain.verifier.store;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads many objects in their order while fetching a few ahead in parallel: S3 GETs are slow one at a time and cheap
 * side by side, and readers that join chunks across objects need them in key order.
 */
public final class ReadAhead {

    /** Reads one object (fetch and decode); runs on a reader thread. */
    @FunctionalInterface
    public interface Reader<K, T> {
        T read(K item) throws Exception;
    }

    /** Takes each object's value, in the items' order, on the calling thread. */
    @FunctionalInterface
    public interface Consumer<K, T> {
        void accept(K item, T value) throws Exception;
    }

    private final int threads;
    private final int ahead;

    /**
     * @param threads readers fetching at once
     * @param ahead   objects fetched (and held) ahead of the one being consumed
     */
    public ReadAhead(int threads, int ahead) {
        if (threads < 1 || ahead < threads) {
            throw new IllegalArgumentException("at least one reader, and at least as many ahead as readers");
        }
        this.threads = threads;
        this.ahead = ahead;
    }

    /**
     * Reads every item (a key, or a key and a version) and hands the values over in order; the first failure of a
     * read is thrown as it was.
     */
    public <K, T> void inOrder(List<K> items, Reader<K, T> reader, Consumer<K, T> consumer) throws Exception {
        if (items.isEmpty()) {
            return;
        }
        ExecutorService readers = Executors.newFixedThreadPool(Math.min(threads, items.size()), r -> {
            Thread t = new Thread(r, "archive-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            Deque<Future<T>> fetched = new ArrayDeque<>();
            int next = 0;
            for (K item : items) {
                while (next < items.size() && fetched.size() < ahead) {
                    K k = items.get(next++);
                    fetched.add(readers.submit(() -> reader.read(k)));
                }
                T value;
                try {
                    value = fetched.removeFirst().get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
                consumer.accept(item, value);
            }
        } finally {
            readers.shutdownNow();
        }
    }
}
