package io.auditdrain.receiver.lambda;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.receiver.Deadline;
import io.auditdrain.receiver.Drains;
import io.auditdrain.receiver.config.ReceiverConfig;
import io.auditdrain.testing.AwsEmulator;
import io.auditdrain.testing.FaultProxy;
import io.auditdrain.testing.lambda.FunctionUrlRequest;
import io.auditdrain.testing.lambda.FunctionUrlResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * One deadline per request, whatever AWS does: a delaying proxy between the handler and the S3/SSM API makes every
 * answer from AWS arrive after Logplex has given up, and the handler must answer 503 (retry) before then, never
 * run into the function's timeout.
 */
class RequestDeadlineIT {

    private static final String BUCKET = "deadline-test-bucket";
    private static final String SECRET = "ZGVhZGxpbmUtdGVzdC1zZWNyZXQtMTIzNDU2Nzg5MDEy";
    /** Logplex's wait, less what the network between Heroku and AWS takes. */
    private static final long LOGPLEX_WAIT_MILLIS = 4_500;

    private final AwsEmulator emulator = AwsEmulator.shared();
    private final S3Client s3 = Drains.s3(emulator);
    private final SsmClient ssm = Drains.ssm(emulator);
    private FaultProxy proxy;
    private FunctionUrlHandler handler;

    @BeforeEach
    void setUp() {
        emulator.reset();
        s3.createBucket(r -> r.bucket(BUCKET));
        Drains.putSecret(ssm, "app-a", "secret", SECRET);
        proxy = FaultProxy.start(emulator.endpoint());
        handler = new FunctionUrlHandler(ReceiverConfig.fromEnvironment(Map.of(
                "AUDITDRAIN_STORE", "s3://" + BUCKET,
                "AUDITDRAIN_CREDENTIALS", "ssm:" + Drains.PREFIX,
                "AWS_REGION", AwsEmulator.REGION,
                "AWS_ENDPOINT_URL", proxy.endpoint().toString())), Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true, UTF_8));
    }

    @AfterEach
    void tearDown() {
        proxy.close();
        s3.close();
        ssm.close();
    }

    @Test
    void a_slow_credential_store_is_answered_503_before_logplex_gives_up() throws IOException {
        proxy.delayResponses(Duration.ofSeconds(8));
        long started = System.nanoTime();
        int status = invoke(FunctionUrlRequest.drainPost("app-a", SECRET, twoDays()));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(503, status);
        assertTrue(millis < LOGPLEX_WAIT_MILLIS, "answered after " + millis + " ms");
    }

    @Test
    void two_slow_puts_share_one_deadline_and_the_retry_stores_each_object_once() throws IOException {
        assertEquals(200, invoke(FunctionUrlRequest.drainPost("app-a", SECRET, oneLine())), "credentials cached");
        proxy.delayResponses(Duration.ofMillis(2_500));
        long started = System.nanoTime();
        int status = invoke(FunctionUrlRequest.drainPost("app-a", SECRET, twoDays()));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(503, status, "two PUTs of 2.5 s each cannot both finish within the deadline");
        assertTrue(millis < LOGPLEX_WAIT_MILLIS, "answered after " + millis + " ms");

        proxy.heal();
        assertEquals(200, invoke(FunctionUrlRequest.drainPost("app-a", SECRET, twoDays())));
        assertEquals(3, s3.listObjectVersions(r -> r.bucket(BUCKET)).versions().size(),
                "one object per day of the retried batch, plus the first request's, and no second version");
    }

    @Test
    void time_spent_before_the_handler_runs_counts_against_the_deadline() throws IOException {
        assertEquals(200, invoke(FunctionUrlRequest.drainPost("app-a", SECRET, oneLine())), "credentials cached");
        proxy.delayResponses(Duration.ofSeconds(8));
        long arrived = System.currentTimeMillis() - 3_000; // say, a restore that took 3 s
        long started = System.nanoTime();
        int status = invoke(FunctionUrlRequest.drainPost("app-a", SECRET, twoDays()).receivedAt(arrived));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(503, status);
        assertTrue(millis < Deadline.REQUEST_BUDGET.toMillis() - 3_000 + 500,
                "the handler had about 1 s of the request's budget left, and took " + millis + " ms");
    }

    private int invoke(FunctionUrlRequest request) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(request.event()), out, null);
        return FunctionUrlResponse.parse(out.toByteArray()).status();
    }

    private static byte[] oneLine() {
        return frames("<190>1 2026-11-26T10:00:00.000001+00:00 host app web.1 - warming the credential cache");
    }

    /** A batch that spans UTC midnight: two objects, so two PUTs. */
    private static byte[] twoDays() {
        return frames("<190>1 2026-11-25T23:59:59.900000+00:00 host app web.1 - before midnight",
                "<190>1 2026-11-26T00:00:00.100000+00:00 host app web.1 - after midnight");
    }

    private static byte[] frames(String... messages) {
        StringBuilder body = new StringBuilder();
        for (String m : messages) {
            body.append(m.length() + 1).append(' ').append(m).append('\n');
        }
        return body.toString().getBytes(UTF_8);
    }
}
