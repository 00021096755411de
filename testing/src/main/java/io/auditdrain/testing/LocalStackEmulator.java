package io.auditdrain.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * LocalStack in a container, for machines that run Docker but lack moto. Pinned to a release that runs without an
 * auth token (the {@code latest} image now requires one).
 */
public final class LocalStackEmulator implements AwsEmulator {

    static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:4.0.3");

    private final LocalStackContainer container;
    private final HttpClient http = HttpClient.newHttpClient();

    private LocalStackEmulator(LocalStackContainer container) {
        this.container = container;
    }

    public static boolean isDockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    public static LocalStackEmulator start() {
        LocalStackContainer container = new LocalStackContainer(IMAGE).withServices("s3", "ssm", "iam", "lambda",
                "logs", "cloudwatch", "sns");
        container.start();
        return new LocalStackEmulator(container);
    }

    @Override
    public URI endpoint() {
        return container.getEndpoint();
    }

    @Override
    public void reset() {
        HttpRequest request = HttpRequest.newBuilder(endpoint().resolve("/_localstack/state/reset"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(60)).build();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 != 2) {
                throw new IllegalStateException("LocalStack reset answered " + status);
            }
        } catch (IOException e) {
            throw new IllegalStateException("LocalStack reset failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        container.stop();
    }
}
