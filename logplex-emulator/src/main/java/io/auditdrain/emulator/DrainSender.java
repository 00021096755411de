package io.auditdrain.emulator;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Posts batches to a drain URL the way Logplex's HTTP drain does: the Logplex headers, Basic credentials from the
 * URL, an answer awaited for a bounded time; 2xx is delivered, any 4xx but 429 drops the batch for good, everything
 * else (429, 5xx, timeouts, connection errors) is retried with the same Frame-Id until the tries run out.
 *
 * <p>Public for the fault suite (faults/), which runs many of these at once against both of the receiver's doors.
 * One sender sends one batch at a time, as one Logplex drain does.
 */
public final class DrainSender {

    static final String CONTENT_TYPE = "application/logplex-1";

    private final DrainUrl url;
    private final Settings settings;
    private final DeliveryListener listener;
    private final HttpClient http;

    /**
     * @param drainToken {@code d.<uuid>}; null sends no Drain-Token (and then no Frame-Id: a Private Space drain)
     */
    public record Settings(int attempts, Duration retryBackoff, Duration timeout, String userAgent,
                           String drainToken) {
        public Settings {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
            }
            if (retryBackoff.isNegative() || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("retry backoff must be >= 0 and timeout > 0");
            }
        }
    }

    public DrainSender(DrainUrl url, Settings settings, DeliveryListener listener) {
        this.url = url;
        this.settings = settings;
        this.listener = listener;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .build();
    }

    /** Sends one batch, retrying as Logplex does; returns the last attempt's event. */
    public DeliveryEvent send(LogplexBatch batch) throws InterruptedException {
        return send(batch, UnaryOperator.identity());
    }

    /**
     * Sends one batch, retrying as Logplex does, each retry with what {@code retry} makes of the batch (the same
     * Frame-Id; Logplex puts a fresh L10 notice in front when it dropped lines meanwhile); returns the last
     * attempt's event.
     */
    public DeliveryEvent send(LogplexBatch batch, UnaryOperator<LogplexBatch> retry) throws InterruptedException {
        LogplexBatch attempted = batch;
        for (int attempt = 1; ; attempt++) {
            HttpRequest request = request(attempted);
            long started = System.nanoTime();
            int status = 0;
            String error = "";
            try {
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (HttpTimeoutException e) {
                error = "no answer within " + settings.timeout().toMillis() + " ms";
            } catch (IOException e) {
                error = describe(e);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            DeliveryEvent.Outcome outcome = outcome(status, attempt);
            DeliveryEvent event = new DeliveryEvent(attempted, attempt, settings.attempts(), status, error, outcome,
                    elapsed);
            listener.attempted(event);
            if (outcome != DeliveryEvent.Outcome.RETRY) {
                return event;
            }
            Thread.sleep(settings.retryBackoff().toMillis());
            attempted = retry.apply(batch);
        }
    }

    private DeliveryEvent.Outcome outcome(int status, int attempt) {
        if (status >= 200 && status < 300) {
            return DeliveryEvent.Outcome.DELIVERED;
        }
        if (status >= 400 && status < 500 && status != 429) {
            return DeliveryEvent.Outcome.DROPPED_REJECTED;
        }
        return attempt < settings.attempts() ? DeliveryEvent.Outcome.RETRY : DeliveryEvent.Outcome.DROPPED_EXHAUSTED;
    }

    private HttpRequest request(LogplexBatch batch) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url.endpoint())
                .timeout(settings.timeout())
                .header("Content-Type", CONTENT_TYPE)
                .header("Logplex-Msg-Count", Integer.toString(batch.messageCount()))
                .header("User-Agent", settings.userAgent())
                .POST(HttpRequest.BodyPublishers.ofByteArray(batch.body()));
        if (settings.drainToken() != null) {
            builder.header("Logplex-Frame-Id", batch.frameId());
            builder.header("Logplex-Drain-Token", settings.drainToken());
        }
        url.authorization().ifPresent(a -> builder.header("Authorization", a));
        return builder.build();
    }

    /**
     * The exception's kind and the first message along its causes ("ConnectException: Connection refused"). The
     * request carries no userinfo, so no credential can be in it.
     */
    private static String describe(IOException e) {
        String message = null;
        for (Throwable t = e; t != null && message == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        String kind = e.getClass().getSimpleName();
        return message == null ? kind : kind + ": " + message;
    }
}
