package io.auditdrain.faults;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.auditdrain.receiver.Receiver;
import io.auditdrain.receiver.config.ReceiverConfig;
import io.auditdrain.receiver.local.LocalServer;
import io.auditdrain.testing.AwsEmulator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The local server in this JVM, over real HTTP on loopback, its request log written to a file. */
final class LocalDoor implements Door {

    /** As {@code java -jar auditdrain-receiver.jar} (LocalReceiver) starts it. */
    static final int THREADS = 8;

    private final Receiver receiver;
    private final LocalServer server;
    private final PrintStream log;

    private LocalDoor(Receiver receiver, LocalServer server, PrintStream log) {
        this.receiver = receiver;
        this.server = server;
        this.log = log;
    }

    /**
     * @param receiverEnvironment see {@link Door#receiverEnvironment}; AWS credentials come from the JVM's system
     *                            properties (any value works with moto)
     */
    static LocalDoor start(Map<String, String> receiverEnvironment, Path requestLog) {
        Map<String, String> env = new HashMap<>(receiverEnvironment);
        env.put("AWS_REGION", AwsEmulator.REGION);
        try {
            PrintStream log = new PrintStream(Files.newOutputStream(requestLog), true, UTF_8);
            Receiver receiver = Receiver.create(ReceiverConfig.fromEnvironment(env), Map.of(), log);
            LocalServer server = LocalServer.start(receiver.handler(), "127.0.0.1", 0, THREADS);
            return new LocalDoor(receiver, server, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public String describe() {
        return "the local server (LocalServer, " + THREADS + " threads) in this JVM";
    }

    @Override
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port() + "/logs");
    }

    @Override
    public void close() {
        server.close();
        receiver.close();
        log.close();
    }
}
