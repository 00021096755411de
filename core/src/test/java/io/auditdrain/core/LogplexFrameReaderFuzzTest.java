package io.auditdrain.core;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Fuzzing the frame reader: whatever the body, it returns (no exception escapes) and every byte is accounted for.
 * Under {@code scripts/test} this runs the seed inputs beside it (regression mode); {@code scripts/fuzz} fuzzes.
 */
class LogplexFrameReaderFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void every_byte_of_any_body_is_in_a_frame_a_count_or_a_separator(byte[] body) {
        List<Frame> frames = LogplexFrameReader.read(body);
        String problem = FrameAccounting.problem(body, frames);
        if (problem != null) {
            throw new AssertionError(problem);
        }
    }
}
