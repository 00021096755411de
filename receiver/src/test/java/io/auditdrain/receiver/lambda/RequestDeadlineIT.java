package io.auditdrain.receiver.lambda;

import static io.auditdrain.receiver.lambda.DeployedReceiver.APP;
import static io.auditdrain.receiver.lambda.DeployedReceiver.BUCKET;
import static io.auditdrain.receiver.lambda.DeployedReceiver.SECRET;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.receiver.Deadline;
import io.auditdrain.testing.lambda.FunctionUrlRequest;
import io.auditdrain.testing.lambda.LambdaExecutionEnvironment;
import io.auditdrain.testing.lambda.LambdaRuntimeApi;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * One deadline per request, whatever AWS does: the shipped jar in an on-demand environment with the CPU terraform/
 * gives it, a delaying proxy between it and the S3/SSM API, so that every answer from AWS arrives after Logplex has
 * given up; the handler must answer 503 (retry) before then, never run into the function's timeout. In order: the
 * first request (the credential is not cached yet), then with the credential cached.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RequestDeadlineIT {

    /** Logplex's wait, less what the network between Heroku and AWS takes. */
    private static final long LOGPLEX_WAIT_MILLIS = 4_500;

    private static DeployedReceiver deployment;
    private static LambdaRuntimeApi api;
    private static LambdaExecutionEnvironment environment;
    private static Duration timeout;

    @BeforeAll
    static void start() throws InterruptedException {
        deployment = new DeployedReceiver();
        api = LambdaRuntimeApi.start("arn:aws:lambda:us-east-1:123456789012:function:auditdrain:live");
        Credentials session = deployment.roleSession();
        var function = deployment.function();
        timeout = function.timeout();
        environment = deployment.start(api, new LambdaExecutionEnvironment.Credentials.Static(session.accessKeyId(),
                session.secretAccessKey(), session.sessionToken()), function);
        // The requests below arrive once the init is over: their deadlines are about AWS, not the cold start.
        assertTrue(api.awaitReady(Duration.ofSeconds(30)), environment.output());
    }

    @AfterAll
    static void stop() {
        DeployedReceiver.closeAll(environment, api, deployment);
    }

    @AfterEach
    void heal() {
        deployment.proxy().heal();
    }

    @Test
    @Order(1)
    void a_slow_credential_store_is_answered_503_before_logplex_gives_up() {
        deployment.proxy().delayResponses(Duration.ofSeconds(8));
        long started = System.nanoTime();
        int status = invoke(FunctionUrlRequest.drainPost(APP, SECRET, twoDays(9, "while SSM is slow")));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(503, status, environment.output());
        assertTrue(millis < LOGPLEX_WAIT_MILLIS, "answered after " + millis + " ms (" + environment.sizing() + ")");
    }

    @Test
    @Order(2)
    void two_slow_puts_share_one_deadline_and_the_retry_stores_each_object_once() {
        assertEquals(200, invoke(FunctionUrlRequest.drainPost(APP, SECRET, oneLine(10))), "credentials cached");
        deployment.proxy().delayResponses(Duration.ofMillis(2_500));
        long started = System.nanoTime();
        int status = invoke(FunctionUrlRequest.drainPost(APP, SECRET, twoDays(10, "two slow PUTs")));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(503, status, "two PUTs of 2.5 s each cannot both finish within the deadline");
        assertTrue(millis < LOGPLEX_WAIT_MILLIS, "answered after " + millis + " ms (" + environment.sizing() + ")");

        deployment.proxy().heal();
        assertEquals(200, invoke(FunctionUrlRequest.drainPost(APP, SECRET, twoDays(10, "two slow PUTs"))));
        assertEquals(3, deployment.s3().listObjectVersions(r -> r.bucket(BUCKET)).versions().stream()
                        .filter(v -> v.key().startsWith("logs/" + APP + "/2026/10/")).count(),
                "one object per day of the retried batch, plus the first request's, and no second version");
    }

    @Test
    @Order(3)
    void time_spent_before_the_handler_runs_counts_against_the_deadline() {
        assertEquals(200, invoke(FunctionUrlRequest.drainPost(APP, SECRET, oneLine(11))), "credentials cached");
        deployment.proxy().delayResponses(Duration.ofSeconds(8));
        long arrived = System.currentTimeMillis() - 3_000; // say, a restore that took 3 s
        long started = System.nanoTime();
        int status = invoke(FunctionUrlRequest.drainPost(APP, SECRET, twoDays(11, "after a slow restore"))
                .receivedAt(arrived));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(503, status);
        assertTrue(millis < Deadline.REQUEST_BUDGET.toMillis() - 3_000 + 500,
                "the handler had about 1 s of the request's budget left, and took " + millis + " ms");
    }

    private int invoke(FunctionUrlRequest request) {
        return DeployedReceiver.invoke(api, request.event(), timeout).status();
    }

    /** One line on the second day of month {@code month} of 2026. */
    private static byte[] oneLine(int month) {
        return frames(String.format("<190>1 2026-%02d-02T10:00:00.000001+00:00 host app web.1 - warming the cache",
                month));
    }

    /** A batch that spans UTC midnight between the first and second day of {@code month}: two objects, two PUTs. */
    private static byte[] twoDays(int month, String what) {
        return frames(String.format("<190>1 2026-%02d-01T23:59:59.900000+00:00 host app web.1 - before midnight, %s",
                month, what), String.format("<190>1 2026-%02d-02T00:00:00.100000+00:00 host app web.1 - after"
                + " midnight, %s", month, what));
    }

    private static byte[] frames(String... messages) {
        StringBuilder body = new StringBuilder();
        for (String m : messages) {
            body.append(m.length() + 1).append(' ').append(m).append('\n');
        }
        return body.toString().getBytes(UTF_8);
    }
}
