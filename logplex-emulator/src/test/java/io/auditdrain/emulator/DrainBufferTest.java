package io.auditdrain.emulator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.Frame;
import io.auditdrain.core.LogplexFrameReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DrainBufferTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:05.500Z"), ZoneOffset.UTC);

    private static byte[] frame(int n) {
        return new SyslogMessage(134, Instant.parse("2026-11-22T10:00:00Z"), "app", "postgres.1",
                "[DATABASE] [" + n + "-1] line " + n, true).frame();
    }

    private static List<String> messages(LogplexBatch batch) {
        return LogplexFrameReader.read(batch.body()).stream()
                .map(f -> new String(batch.body(), f.offset(), f.length(), UTF_8)).toList();
    }

    @Test
    void a_batch_holds_the_frames_in_order_with_their_count_and_a_32_hex_frame_id() throws Exception {
        DrainBuffer buffer = new DrainBuffer(10, CLOCK);
        for (int i = 1; i <= 3; i++) {
            buffer.add(frame(i));
        }
        LogplexBatch batch = buffer.take(100_000, Duration.ZERO).orElseThrow();
        assertEquals(3, batch.messageCount());
        assertTrue(batch.frameId().matches("[0-9A-F]{32}"), batch.frameId());
        assertEquals(List.of(1, 2, 3), messages(batch).stream()
                .map(m -> Integer.parseInt(m.substring(m.indexOf("line ") + 5))).toList());
        assertTrue(buffer.isEmpty());
    }

    @Test
    void a_full_buffer_drops_the_oldest_and_the_next_batch_starts_with_an_l10_notice() throws Exception {
        DrainBuffer buffer = new DrainBuffer(4, CLOCK);
        for (int i = 1; i <= 10; i++) {
            buffer.add(frame(i));
        }
        assertEquals(6, buffer.totalLost());
        LogplexBatch batch = buffer.take(100_000, Duration.ZERO).orElseThrow();
        assertEquals(5, batch.messageCount(), "the notice counts as a message");
        List<String> messages = messages(batch);
        assertEquals("<172>1 2026-11-22T10:00:05+00:00 host heroku logplex - Error L10 (output buffer overflow): 6"
                + " messages dropped since 2026-11-22T10:00:05+00:00.", messages.get(0));
        assertTrue(messages.get(4).endsWith("line 10"), "the newest survive");
        int noticeBytes = messages.get(0).getBytes(UTF_8).length;
        String body = new String(batch.body(), UTF_8);
        assertTrue(body.startsWith(noticeBytes + " <172>1 "), body);
        assertEquals('<', body.charAt(body.indexOf(' ') + 1 + noticeBytes + 3), "no LF after the notice: " + body);
        buffer.add(frame(11));
        assertFalse(buffer.take(100_000, Duration.ZERO).orElseThrow().contains("Error L10"), "reported once");
    }

    @Test
    void a_batch_stops_before_the_size_limit_and_a_larger_single_frame_goes_alone() throws Exception {
        DrainBuffer buffer = new DrainBuffer(100, CLOCK);
        int size = frame(1).length;
        for (int i = 1; i <= 10; i++) {
            buffer.add(frame(i));
        }
        assertEquals(3, buffer.take(size * 3 + 1, Duration.ZERO).orElseThrow().messageCount());
        byte[] big = new SyslogMessage(134, CLOCK.instant(), "app", "postgres.1", "x".repeat(5_000), true).frame();
        DrainBuffer alone = new DrainBuffer(100, CLOCK);
        alone.add(big);
        alone.add(frame(2));
        LogplexBatch first = alone.take(1_024, Duration.ZERO).orElseThrow();
        assertEquals(1, first.messageCount());
        assertEquals(big.length, first.body().length);
    }

    @Test
    void take_waits_for_the_flush_interval_to_let_a_batch_fill() throws Exception {
        DrainBuffer buffer = new DrainBuffer(100, CLOCK);
        CompletableFuture<Optional<LogplexBatch>> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return buffer.take(100_000, Duration.ofMillis(400));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        buffer.add(frame(1));
        buffer.add(frame(2));
        assertEquals(2, taken.get(5, TimeUnit.SECONDS).orElseThrow().messageCount());
    }

    @Test
    void a_closed_buffer_gives_what_is_left_then_nothing() throws Exception {
        DrainBuffer buffer = new DrainBuffer(10, CLOCK);
        buffer.add(frame(1));
        buffer.close();
        assertEquals(1, buffer.take(100_000, Duration.ofSeconds(10)).orElseThrow().messageCount());
        assertEquals(Optional.empty(), buffer.take(100_000, Duration.ofSeconds(10)));
    }

    @Test
    void every_frame_of_a_batch_is_a_counted_frame_for_the_receiver() throws Exception {
        DrainBuffer buffer = new DrainBuffer(2, CLOCK);
        for (int i = 1; i <= 5; i++) {
            buffer.add(frame(i));
        }
        LogplexBatch batch = buffer.take(100_000, Duration.ZERO).orElseThrow();
        for (Frame f : LogplexFrameReader.read(batch.body())) {
            assertEquals(Frame.Kind.COUNTED, f.kind());
        }
    }
}
