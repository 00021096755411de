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

    private final Receiver receiver;
    private final LocalServer server;
    private final int workers;
    private final PrintStream log;

    private LocalDoor(Receiver receiver, LocalServer server, int workers, PrintStream log) {
        this.receiver = receiver;
        this.server = server;
        this.workers = workers;
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
            ReceiverConfig config = ReceiverConfig.fromEnvironment(env);
            Receiver receiver = Receiver.create(config, Map.of(), log);
            // As java -jar auditdrain-receiver.jar (LocalReceiver) starts it.
            LocalServer server = LocalServer.start(receiver.handler(), "127.0.0.1", 0, config.workers());
            return new LocalDoor(receiver, server, config.workers(), log);
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
        return "the local server (LocalServer, " + workers + " workers) in this JVM";
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
