package io.auditdrain.testing;

import java.util.Locale;

/** Holds the one emulator of this JVM. */
enum SharedEmulator {
    INSTANCE;

    private AwsEmulator emulator;

    synchronized AwsEmulator get() {
        if (emulator == null) {
            emulator = start();
            AwsEmulator started = emulator;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "aws-emulator-stop"));
        }
        return emulator;
    }

    private static AwsEmulator start() {
        String choice = System.getProperty("auditdrain.emulator", "auto").toLowerCase(Locale.ROOT);
        switch (choice) {
            case "moto":
                return MotoServer.start();
            case "localstack":
                return LocalStackEmulator.start();
            case "auto":
                if (MotoServer.isInstalled()) {
                    return MotoServer.start();
                }
                if (LocalStackEmulator.isDockerAvailable()) {
                    return LocalStackEmulator.start();
                }
                throw new IllegalStateException("No AWS emulator: install moto's server (pip install 'moto[server]',"
                        + " so that moto_server is on PATH) or run Docker for LocalStack");
            default:
                throw new IllegalArgumentException("auditdrain.emulator must be auto, moto or localstack: " + choice);
        }
    }
}
