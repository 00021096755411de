package io.auditdrain.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineCodecTest {

    @Test
    void plain_message_is_stored_as_received_followed_by_lf() {
        assertEquals("<190>1 ts host app web.1 - GET / \t caf\u00e9\n", encode("<190>1 ts host app web.1 - GET / \t caf\u00e9"));
    }

    @Test
    void cr_and_lf_inside_a_message_are_escaped() {
        assertEquals("a\\r\\nb\\nc\n", encode("a\r\nb\nc"));
    }

    @Test
    void backslashes_are_doubled_only_where_they_could_be_misread() {
        assertEquals("C:\\temp \\d+ x\\\\n y\\\\\\n\n", encode("C:\\temp \\d+ x\\n y\\\n"));
        // Two backslashes: the first is followed by a backslash, so doubled; the second is not.
        assertEquals("E'\\\\\\'\n", encode("E'\\\\'"));
        assertEquals("ends with \\\n", encode("ends with \\"));
    }

    @Test
    void a_message_with_cr_and_lf_round_trips_exactly() {
        String message = "INSERT INTO t VALUES ('multi\nline\r\nwith \\n literal and \\ and \\\\')";
        assertEquals(List.of(message), LineCodec.decodeAllUtf8(encode(message).getBytes(UTF_8)));
    }

    @Test
    void random_bytes_round_trip_and_never_produce_a_stray_line_break() {
        Random random = new Random(3);
        byte[] alphabet = {'\\', 'n', 'r', '\n', '\r', 'a', ' ', '\t', (byte) 0xc3, (byte) 0xa9, 0};
        for (int round = 0; round < 20_000; round++) {
            byte[] message = new byte[random.nextInt(24)];
            for (int i = 0; i < message.length; i++) {
                message[i] = random.nextInt(8) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
            }
            ByteSink sink = new ByteSink(8);
            LineCodec.encode(message, 0, message.length, sink);
            byte[] encoded = sink.toByteArray();
            for (int i = 0; i < encoded.length - 1; i++) {
                assertEquals(false, encoded[i] == '\n' || encoded[i] == '\r', "line break inside an encoded line");
            }
            assertArrayEquals(message, LineCodec.decode(encoded, 0, encoded.length - 1));
        }
    }

    @Test
    void many_messages_decode_back_in_order() {
        List<String> messages = new ArrayList<>();
        ByteSink sink = new ByteSink(16);
        for (int i = 0; i < 100; i++) {
            String m = "message " + i + (i % 3 == 0 ? "\nwith break" : "") + (i % 5 == 0 ? "\\" : "");
            messages.add(m);
            byte[] b = m.getBytes(UTF_8);
            LineCodec.encode(b, 0, b.length, sink);
        }
        assertEquals(messages, LineCodec.decodeAllUtf8(sink.toByteArray()));
    }

    @Test
    void a_last_line_without_lf_is_still_decoded() {
        assertEquals(List.of("one", "two"), LineCodec.decodeAllUtf8("one\ntwo".getBytes(UTF_8)));
    }

    private static String encode(String message) {
        byte[] b = message.getBytes(UTF_8);
        ByteSink sink = new ByteSink(4);
        LineCodec.encode(b, 0, b.length, sink);
        return new String(sink.toByteArray(), UTF_8);
    }

    @Test
    void the_word_at_a_time_search_finds_the_first_special_byte_at_every_position() {
        for (int len = 0; len < 40; len++) {
            for (int at = -1; at < len; at++) {
                for (byte special : new byte[] {'\n', '\r', '\\'}) {
                    byte[] b = new byte[len];
                    java.util.Arrays.fill(b, (byte) ('a' + 1));
                    if (at >= 0) {
                        b[at] = special;
                        if (at + 3 < len) {
                            b[at + 3] = '\n';
                        }
                    }
                    for (int from = 0; from <= len; from++) {
                        int expected = at >= from ? at : (at >= 0 && at + 3 < len && at + 3 >= from ? at + 3 : len);
                        assertEquals(expected, LineCodec.indexOfSpecial(b, from, len), len + "/" + at + "/" + from);
                    }
                }
            }
        }
    }

    @Test
    void bytes_just_above_and_below_the_special_ones_are_not_mistaken_for_them() {
        byte[] b = new byte[64];
        for (int i = 0; i < b.length; i++) {
            byte[] near = {0x09, 0x0b, 0x0c, 0x0e, 0x5b, 0x5d, (byte) 0x8a, (byte) 0x8d, (byte) 0xdc, (byte) 0xff, 0};
            b[i] = near[i % near.length];
        }
        assertEquals(b.length, LineCodec.indexOfSpecial(b, 0, b.length));
    }
}
