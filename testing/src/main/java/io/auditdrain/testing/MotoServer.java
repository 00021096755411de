package io.auditdrain.testing;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** moto's server ({@code moto_server}) as a child process on a free loopback port. */
public final class MotoServer implements AwsEmulator {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final URI endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static boolean isInstalled() {
        return executable() != null;
    }

    public static MotoServer start() {
        String exe = executable();
        if (exe == null) {
            throw new IllegalStateException("moto_server is not on PATH (set MOTO_SERVER to its path)");
        }
        int port = FreePort.find();
        try {
            Path log = Files.createTempFile("moto-server-", ".log");
            Process process = new ProcessBuilder(List.of(exe, "-H", "127.0.0.1", "-p", Integer.toString(port)))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            MotoServer server = new MotoServer(process, URI.create("http://127.0.0.1:" + port));
            server.awaitReady(log);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("could not start moto_server", e);
        }
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void reset() {
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("moto reset answered " + response.statusCode());
            }
        } catch (IOException e) {
            throw new IllegalStateException("moto reset failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * From now on moto authenticates and authorizes every request as AWS would in outline: the SigV4 signature must
     * verify with the secret of the access key (an IAM user's, or an assumed role's together with its session token),
     * and the principal's IAM policies must allow the action (moto checks actions and, for S3, the object's ARN;
     * it ignores most conditions). A shared emulator must never be switched: tests that need this start their own.
     */
    public void enableAuthentication() {
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset-auth"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("0"))
                .timeout(Duration.ofSeconds(30))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("moto reset-auth answered " + response.statusCode());
            }
        } catch (IOException e) {
            throw new IllegalStateException("moto reset-auth failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void awaitReady(Path log) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HttpRequest probe = HttpRequest.newBuilder(endpoint.resolve("/moto-api/data.json"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited at start: " + Files.readString(log));
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
        close();
        throw new IllegalStateException("moto_server not ready within " + START_TIMEOUT + ": " + Files.readString(log));
    }

    private static String executable() {
        String configured = System.getenv("MOTO_SERVER");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            File candidate = new File(dir, "moto_server");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        return null;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
