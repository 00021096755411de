package io.auditdrain.faults;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connections that hold a server's attention without ever completing a request, as a slowloris attack does, kept
 * up for as long as they run: one that the server closes is opened again at the next tick. Every second each
 * connection sends its next byte, if its kind sends any.
 */
final class SlowClients implements AutoCloseable {

    enum Kind {
        /** A request line, then header bytes one a second, never the empty line that ends the headers. */
        HEADERS("slowloris on headers"),
        /** Whole headers announcing a 100 KB body, then the body one byte a second. */
        BODIES("slowloris on bodies"),
        /** Connected, sending nothing. */
        IDLE("idle sockets");

        final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    private static final long TICK_MILLIS = 1_000;

    private final InetSocketAddress target;
    private final Kind kind;
    private final SocketChannel[] channels;
    private final Thread ticker;
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong closedByServer = new AtomicLong();
    private final AtomicLong answeredByServer = new AtomicLong();
    private final AtomicLong connectFailures = new AtomicLong();
    private volatile boolean running = true;

    private SlowClients(InetSocketAddress target, Kind kind, int count) {
        this.target = target;
        this.kind = kind;
        this.channels = new SocketChannel[count];
        this.ticker = new Thread(this::tick, "slow-clients-" + kind.name().toLowerCase());
        this.ticker.setDaemon(true);
    }

    /** Opens {@code count} connections of {@code kind} to {@code target} and keeps them going until closed. */
    static SlowClients start(InetSocketAddress target, Kind kind, int count) {
        SlowClients clients = new SlowClients(target, kind, count);
        clients.ticker.start();
        return clients;
    }

    Kind kind() {
        return kind;
    }

    int count() {
        return channels.length;
    }

    /** Connections opened, reopenings included. */
    long opened() {
        return opened.get();
    }

    /** Connections the server closed (a read timeout, a connection limit), found at a tick. */
    long closedByServer() {
        return closedByServer.get();
    }

    /** Connections on which the server sent something (a 408, say) before closing them. */
    long answeredByServer() {
        return answeredByServer.get();
    }

    /** Connection attempts that failed or timed out (a full backlog). */
    long connectFailures() {
        return connectFailures.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        ticker.interrupt();
        ticker.join();
        for (SocketChannel channel : channels) {
            closeQuietly(channel);
        }
    }

    private void tick() {
        ByteBuffer readBuffer = ByteBuffer.allocate(4096);
        while (running) {
            long started = System.nanoTime();
            for (int i = 0; i < channels.length && running; i++) {
                if (channels[i] != null && !stillOpen(channels[i], readBuffer)) {
                    closeQuietly(channels[i]);
                    channels[i] = null;
                }
                if (channels[i] == null) {
                    channels[i] = open();
                } else {
                    trickle(i);
                }
            }
            long left = TICK_MILLIS - (System.nanoTime() - started) / 1_000_000;
            if (left > 0) {
                try {
                    Thread.sleep(left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** False when the server has closed the connection or answered on it. */
    private boolean stillOpen(SocketChannel channel, ByteBuffer buffer) {
        try {
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                closedByServer.incrementAndGet();
                return false;
            }
            if (n > 0) {
                answeredByServer.incrementAndGet();
                closedByServer.incrementAndGet();
                return false;
            }
            return true;
        } catch (IOException e) {
            closedByServer.incrementAndGet();
            return false;
        }
    }

    private SocketChannel open() {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.socket().connect(target, 1_000);
            channel.configureBlocking(false);
            String first = switch (kind) {
                case HEADERS -> "POST /logs HTTP/1.1\r\nHost: " + target.getHostString() + "\r\nX-Slow: ";
                case BODIES -> "POST /logs HTTP/1.1\r\nHost: " + target.getHostString()
                        + "\r\nContent-Type: application/logplex-1\r\nContent-Length: 100000\r\n\r\n";
                case IDLE -> "";
            };
            channel.write(ByteBuffer.wrap(first.getBytes(ISO_8859_1)));
            opened.incrementAndGet();
            return channel;
        } catch (IOException e) {
            connectFailures.incrementAndGet();
            closeQuietly(channel);
            return null;
        }
    }

    private void trickle(int i) {
        if (kind == Kind.IDLE) {
            return;
        }
        try {
            channels[i].write(ByteBuffer.wrap(new byte[] {'a'}));
        } catch (IOException e) {
            closedByServer.incrementAndGet();
            closeQuietly(channels[i]);
            channels[i] = null;
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // gone already
        }
    }

    static List<SlowClients> startAll(InetSocketAddress target, int slow, int idle) {
        List<SlowClients> all = new ArrayList<>();
        all.add(start(target, Kind.HEADERS, slow));
        all.add(start(target, Kind.BODIES, slow));
        all.add(start(target, Kind.IDLE, idle));
        return all;
    }
}
