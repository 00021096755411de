package io.auditdrain.faults;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The attackers against a server that reads what they send for 2.5 s and then closes them: header tricklers send a
 * request line and then one byte a second, never the end of the headers; every closed connection is counted and
 * opened again, so the pressure stays on.
 */
class SlowClientsReconnectIT {

    @Test
    void header_tricklers_send_a_byte_a_second_and_come_back_when_the_server_closes_them() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> serve(server, received));
            acceptor.setDaemon(true);
            acceptor.start();
            SlowClients clients = SlowClients.start(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    server.getLocalPort()), SlowClients.Kind.HEADERS, 3);
            Thread.sleep(5_500);
            clients.close();
            assertTrue(clients.closedByServer() >= 3, "closed: " + clients.closedByServer());
            assertTrue(clients.opened() >= 6, "opened: " + clients.opened());
            assertEquals(0, clients.connectFailures());
            String first = received.get(0);
            assertTrue(first.startsWith("POST /logs HTTP/1.1\r\nHost: "), first);
            assertTrue(first.endsWith("\r\nX-Slow: aa") || first.endsWith("\r\nX-Slow: a"), first);
            assertTrue(received.stream().noneMatch(r -> r.contains("\r\n\r\n")), "the headers never end");
        }
    }

    /** Reads each connection for 2.5 s, then closes it and keeps what it got. */
    private static void serve(ServerSocket server, List<String> received) {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread reader = new Thread(() -> {
                    StringBuilder got = new StringBuilder();
                    long until = System.nanoTime() + 2_500_000_000L;
                    try (socket; InputStream in = socket.getInputStream()) {
                        socket.setSoTimeout(100);
                        byte[] buffer = new byte[1024];
                        while (System.nanoTime() < until) {
                            try {
                                int n = in.read(buffer);
                                if (n < 0) {
                                    break;
                                }
                                got.append(new String(buffer, 0, n, ISO_8859_1));
                            } catch (SocketTimeoutException e) {
                                // keep reading until the time is up
                            }
                        }
                    } catch (IOException ignored) {
                        // the client went away first
                    }
                    received.add(got.toString());
                });
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return;
            }
        }
    }
}
