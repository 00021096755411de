package io.auditdrain.core;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzing the line codec's round trip: any messages, encoded one per line and decoded again, come back byte for
 * byte, and each takes exactly one line (no LF or CR of its own survives encoding).
 */
class LineCodecFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void any_messages_come_back_byte_for_byte_one_line_each(FuzzedDataProvider data) {
        List<byte[]> messages = new ArrayList<>();
        ByteSink encoded = new ByteSink(64);
        while (data.remainingBytes() > 0 && messages.size() < 64) {
            byte[] message = data.consumeBytes(data.consumeInt(0, 512));
            messages.add(message);
            LineCodec.encode(message, 0, message.length, encoded);
        }
        byte[] content = encoded.toByteArray();
        int lines = 0;
        for (byte b : content) {
            if (b == '\r') {
                throw new AssertionError("a CR survived encoding");
            }
            lines += b == '\n' ? 1 : 0;
        }
        if (lines != messages.size()) {
            throw new AssertionError(messages.size() + " messages took " + lines + " lines");
        }
        List<byte[]> decoded = LineCodec.decodeAll(content);
        if (decoded.size() != messages.size()) {
            throw new AssertionError(messages.size() + " messages decoded as " + decoded.size());
        }
        for (int i = 0; i < messages.size(); i++) {
            if (!Arrays.equals(messages.get(i), decoded.get(i))) {
                throw new AssertionError("message " + i + " changed: " + Arrays.toString(messages.get(i)) + " became "
                        + Arrays.toString(decoded.get(i)));
            }
        }
    }
}
