package io.auditdrain.receiver.local;

import io.auditdrain.receiver.Receiver;
import io.auditdrain.receiver.config.ConfigurationException;
import io.auditdrain.receiver.config.ReceiverConfig;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar auditdrain-receiver.jar}: the receiver as a plain HTTP server, configured by the same environment
 * variables as the Lambda (plus {@code AUDITDRAIN_PORT} and {@code AUDITDRAIN_BIND_ADDRESS}). Request log lines go
 * to stdout; the start-up line and errors to stderr.
 */
public final class LocalReceiver {

    static final String USAGE = String.join("\n",
            "Usage: java -jar auditdrain-receiver.jar",
            "",
            "Runs the auditdrain receiver as a local HTTP server. Configuration comes from the environment:",
            "  AUDITDRAIN_STORE        s3://<bucket> or file:<directory>            (required)",
            "  AUDITDRAIN_CREDENTIALS  ssm:<parameter path> or file:<properties file> (required)",
            "  AUDITDRAIN_PORT         listening port, default 8080 (0 = any free port)",
            "  AUDITDRAIN_BIND_ADDRESS listening address, default 127.0.0.1",
            "  AUDITDRAIN_WORKERS      requests run at once, default 32",
            "  AUDITDRAIN_CREDENTIALS_TTL_SECONDS, AUDITDRAIN_GZIP_LEVEL, AUDITDRAIN_HEALTH_PATH,",
            "  AUDITDRAIN_METRICS_NAMESPACE, AWS_REGION, AWS_ENDPOINT_URL: see README.md, Configuration.",
            "",
            "Drain URL: http://<app>:<secret>@<host>:<port>/logs   Health: GET /health",
            "");

    private LocalReceiver() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length > 0) {
            boolean help = args[0].equals("--help") || args[0].equals("-h");
            (help ? System.out : System.err).print(USAGE);
            System.exit(help ? 0 : 2);
        }
        ReceiverConfig config;
        try {
            config = ReceiverConfig.fromEnvironment(System.getenv());
        } catch (ConfigurationException e) {
            System.err.println("auditdrain receiver: invalid configuration:");
            e.problems().forEach(p -> System.err.println("  - " + p));
            System.exit(2);
            return;
        }
        Receiver receiver = Receiver.create(config, System.getenv(), System.out);
        LocalServer server = LocalServer.start(receiver.handler(), config.bindAddress(), config.port(),
                config.workers());
        System.err.printf("auditdrain receiver listening on http://%s:%d (store %s, credentials %s)%n",
                config.bindAddress(), server.port(), config.store(), config.credentials());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            receiver.close();
            stopped.countDown();
        }, "receiver-stop"));
        stopped.await();
    }
}
