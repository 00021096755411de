package io.auditdrain.emulator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.emulator.DeliveryEvent.Outcome;
import io.auditdrain.emulator.ScriptedDrain.Answer;
import io.auditdrain.testing.FreePort;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sender's delivery rules against a real HTTP server on loopback that answers scripted statuses. */
class DrainSenderIT {

    private static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlYw";
    private static final String TOKEN = "d.fc6b856b-3332-4546-93de-7d0ee272c3bd";

    private final List<DeliveryEvent> events = new ArrayList<>();

    private DrainSender sender(String url, Duration timeout, String token) {
        return new DrainSender(DrainUrl.parse(url), new DrainSender.Settings(3, Duration.ofMillis(20), timeout,
                "Logplex/test", token), events::add);
    }

    private static LogplexBatch batch() {
        byte[] a = new SyslogMessage(134, Instant.parse("2026-11-22T10:00:00Z"), "app", "postgres.1",
                "[DATABASE] [1-1] hello", true).frame();
        byte[] b = new SyslogMessage(134, Instant.parse("2026-11-22T10:00:00Z"), "app", "postgres.1",
                "[DATABASE] [2-1] world", true).frame();
        byte[] body = new byte[a.length + b.length];
        System.arraycopy(a, 0, body, 0, a.length);
        System.arraycopy(b, 0, body, a.length, b.length);
        return new LogplexBatch(body, 2, LogplexBatch.newFrameId());
    }

    @Test
    void a_2xx_delivers_with_every_logplex_header_and_basic_credentials_from_the_url() throws Exception {
        try (ScriptedDrain drain = ScriptedDrain.start(Answer.status(204))) {
            LogplexBatch batch = batch();
            DeliveryEvent last = sender(drain.url("my-app", SECRET), Duration.ofSeconds(5), TOKEN).send(batch);
            assertEquals(Outcome.DELIVERED, last.outcome());
            assertEquals(1, drain.received().size());
            ScriptedDrain.Received r = drain.received().get(0);
            assertEquals("POST", r.method());
            assertEquals("/logs", r.path());
            assertEquals("application/logplex-1", r.header("Content-Type"));
            assertEquals("2", r.header("Logplex-Msg-Count"));
            assertEquals(batch.frameId(), r.header("Logplex-Frame-Id"));
            assertTrue(r.header("Logplex-Frame-Id").matches("[0-9A-F]{32}"));
            assertEquals(TOKEN, r.header("Logplex-Drain-Token"));
            assertTrue(r.header("User-Agent").startsWith("Logplex/"));
            assertEquals("Basic " + Base64.getEncoder().encodeToString(("my-app:" + SECRET).getBytes(UTF_8)),
                    r.header("Authorization"));
            assertArrayEquals(batch.body(), r.body());
        }
    }

    @Test
    void a_retry_can_carry_a_fresh_l10_notice_in_front_of_the_same_batch_under_the_same_frame_id() throws Exception {
        try (ScriptedDrain drain = ScriptedDrain.start(Answer.status(503), Answer.status(503), Answer.status(200))) {
            LogplexBatch batch = batch();
            Instant since = Instant.parse("2026-11-22T09:59:00Z");
            DeliveryEvent last = sender(drain.url("my-app", SECRET), Duration.ofSeconds(5), TOKEN)
                    .send(batch, b -> b.withOverflowNotice(17, since, Instant.parse("2026-11-22T10:00:05Z")));
            assertEquals(Outcome.DELIVERED, last.outcome());
            List<ScriptedDrain.Received> received = drain.received();
            assertArrayEquals(batch.body(), received.get(0).body(), "the first attempt carries the batch alone");
            String notice = "143 <172>1 2026-11-22T10:00:05+00:00 host heroku logplex - Error L10 (output buffer"
                    + " overflow): 17 messages dropped since 2026-11-22T09:59:00+00:00.";
            for (ScriptedDrain.Received retry : received.subList(1, 3)) {
                assertEquals(notice + new String(batch.body(), UTF_8), new String(retry.body(), UTF_8));
                assertEquals("3", retry.header("Logplex-Msg-Count"));
                assertEquals(batch.frameId(), retry.header("Logplex-Frame-Id"));
            }
        }
    }

    @Test
    void a_5xx_is_retried_with_the_same_frame_id_and_body_until_delivered() throws Exception {
        try (ScriptedDrain drain = ScriptedDrain.start(Answer.status(503), Answer.status(500), Answer.status(200))) {
            LogplexBatch batch = batch();
            DeliveryEvent last = sender(drain.url("my-app", SECRET), Duration.ofSeconds(5), TOKEN).send(batch);
            assertEquals(Outcome.DELIVERED, last.outcome());
            assertEquals(3, last.attempt());
            assertEquals(List.of(Outcome.RETRY, Outcome.RETRY, Outcome.DELIVERED),
                    events.stream().map(DeliveryEvent::outcome).toList());
            assertEquals(Set.of(batch.frameId()), drain.received().stream()
                    .map(r -> r.header("Logplex-Frame-Id")).collect(java.util.stream.Collectors.toSet()));
            for (ScriptedDrain.Received r : drain.received()) {
                assertArrayEquals(batch.body(), r.body());
            }
        }
    }

    @Test
    void three_failures_drop_the_batch_after_exactly_three_tries() throws Exception {
        try (ScriptedDrain drain = ScriptedDrain.start(Answer.status(500), Answer.status(502), Answer.status(503),
                Answer.status(200))) {
            DeliveryEvent last = sender(drain.url("my-app", SECRET), Duration.ofSeconds(5), TOKEN).send(batch());
            assertEquals(Outcome.DROPPED_EXHAUSTED, last.outcome());
            assertEquals(503, last.status());
            assertEquals(3, drain.received().size());
        }
    }

    @Test
    void a_429_is_retried() throws Exception {
        try (ScriptedDrain drain = ScriptedDrain.start(Answer.status(429), Answer.status(200))) {
            assertEquals(Outcome.DELIVERED, sender(drain.url("my-app", SECRET), Duration.ofSeconds(5), TOKEN)
                    .send(batch()).outcome());
            assertEquals(2, drain.received().size());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 413})
    void any_other_4xx_drops_the_batch_for_good_after_one_try(int status) throws Exception {
        try (ScriptedDrain drain = ScriptedDrain.start(Answer.status(status))) {
            DeliveryEvent last = sender(drain.url("my-app", SECRET), Duration.ofSeconds(5), TOKEN).send(batch());
            assertEquals(Outcome.DROPPED_REJECTED, last.outcome());
            assertEquals(1, drain.received().size());
        }
    }

    @Test
    void no_answer_within_the_timeout_is_retried_with_the_same_frame_id() throws Exception {
        try (ScriptedDrain drain = ScriptedDrain.start(new Answer(200, Duration.ofSeconds(3)), Answer.status(200))) {
            LogplexBatch batch = batch();
            DeliveryEvent last = sender(drain.url("my-app", SECRET), Duration.ofMillis(500), TOKEN).send(batch);
            assertEquals(Outcome.DELIVERED, last.outcome());
            assertEquals(2, last.attempt());
            assertEquals(0, events.get(0).status());
            assertTrue(events.get(0).error().contains("no answer within 500 ms"), events.get(0).error());
            assertEquals(batch.frameId(), drain.received().get(1).header("Logplex-Frame-Id"));
        }
    }

    @Test
    void a_refused_connection_is_retried_and_then_dropped() throws Exception {
        String url = "http://my-app:" + SECRET + "@127.0.0.1:" + FreePort.find() + "/logs";
        DeliveryEvent last = sender(url, Duration.ofSeconds(2), TOKEN).send(batch());
        assertEquals(Outcome.DROPPED_EXHAUSTED, last.outcome());
        assertEquals(3, events.size());
        for (DeliveryEvent e : events) {
            assertEquals(0, e.status());
            assertTrue(e.error().contains("Connect"), e.error());
            assertTrue(!e.describe().contains(SECRET), e.describe());
        }
    }

    @Test
    void a_private_space_drain_sends_no_frame_id_and_no_drain_token() throws Exception {
        try (ScriptedDrain drain = ScriptedDrain.start()) {
            sender(drain.url("my-app", SECRET), Duration.ofSeconds(5), null).send(batch());
            ScriptedDrain.Received r = drain.received().get(0);
            assertNull(r.header("Logplex-Frame-Id"));
            assertNull(r.header("Logplex-Drain-Token"));
            assertEquals("2", r.header("Logplex-Msg-Count"));
        }
    }
}
