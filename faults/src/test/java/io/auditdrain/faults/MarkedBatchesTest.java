package io.auditdrain.faults;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.auditdrain.core.Frame;
import io.auditdrain.core.LogplexFrameReader;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MarkedBatchesTest {

    @Test
    void the_receiver_s_frame_reader_reads_a_batch_back_as_exactly_its_messages() {
        MarkedBatches batches = new MarkedBatches("local-s3-reset");
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            MarkedBatches.Batch batch = batches.next(3, random);
            byte[] body = batch.logplex().body();
            List<Frame> frames = LogplexFrameReader.read(body);
            assertEquals(batch.messages().size(), frames.size());
            assertEquals(batch.messages().size(), batch.logplex().messageCount());
            for (int f = 0; f < frames.size(); f++) {
                assertFalse(frames.get(f).malformed(), "frame " + f + " of " + batch.marker());
                assertEquals(batch.messages().get(f), new String(body, frames.get(f).offset(),
                        frames.get(f).length(), UTF_8));
            }
        }
    }

    @Test
    void every_line_names_its_batch_and_its_place_and_markers_never_repeat() {
        MarkedBatches batches = new MarkedBatches("lambda-none");
        Set<String> markers = new HashSet<>();
        Random random = new Random(11);
        for (int i = 0; i < 100; i++) {
            MarkedBatches.Batch batch = batches.next(i % 4, random);
            markers.add(batch.marker());
            for (int line = 0; line < batch.messages().size(); line++) {
                MarkedBatches.Mark mark = MarkedBatches.markOf(batch.messages().get(line));
                assertEquals(new MarkedBatches.Mark(batch.marker(), line + 1, batch.messages().size()), mark);
            }
        }
        assertEquals(100, markers.size());
        assertNotEquals(new MarkedBatches("a").next(0, new Random(1)).marker(),
                new MarkedBatches("b").next(0, new Random(1)).marker());
    }

    @Test
    void a_line_without_a_marker_has_no_mark() {
        assertNull(MarkedBatches.markOf("<134>1 2026-01-01T00:00:00+00:00 host app web.1 - batch=x"));
        assertNull(MarkedBatches.markOf("Error L10 (output buffer overflow): 12 messages dropped since ..."));
    }
}
