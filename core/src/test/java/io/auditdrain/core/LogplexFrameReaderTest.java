package io.auditdrain.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import io.auditdrain.testing.LogplexFixtures;
import org.junit.jupiter.api.Test;

class LogplexFrameReaderTest {

    private static final String ROUTER = "<158>1 2020-01-08T22:33:57.353034+00:00 host heroku router - at=info "
            + "method=GET path=\"/\" status=200 bytes=656";
    private static final String DYNO = "<190>1 2026-11-22T10:00:00.123456+00:00 host app web.1 - Started GET \"/\"";
    private static final String L10 = "<172>1 2026-11-22T10:00:01+00:00 host heroku logplex - Error L10 (output "
            + "buffer overflow): 42 messages dropped since 2026-11-22T09:59:58+00:00.";

    @Test
    void devcenter_example_gives_its_two_dyno_messages() {
        byte[] body = fixtureBody("devcenter-log-drains-https-example-body.txt");
        assertEquals(List.of(
                "<40>1 2012-11-30T06:45:29+00:00 host app web.3 - State changed from starting to up",
                "<40>1 2012-11-30T06:45:26+00:00 host app web.3 - Starting process with command "
                        + "`bundle exec rackup config.ru -p 24405`"),
                messages(body));
        assertNoMalformed(body);
    }

    @Test
    void logplex_readme_request_gives_ten_identical_messages() {
        byte[] body = fixtureBody("logplex-readme-http-drain-request.txt");
        List<String> messages = messages(body);
        assertEquals(10, messages.size());
        messages.forEach(m -> assertEquals("<174>1 2012-07-22T00:06:26+00:00 host erlang console - Hi from erlang", m));
        assertNoMalformed(body);
    }

    @Test
    void vector_router_sample_whose_count_includes_a_missing_final_lf_is_whole() {
        byte[] body = fixtureBody("vector-heroku_logs-sample-router-body.txt");
        List<String> messages = messages(body);
        assertEquals(1, messages.size());
        assertTrue(messages.get(0).endsWith("protocol=http"));
        assertEquals(266, messages.get(0).getBytes(UTF_8).length);
        assertNoMalformed(body);
    }

    @Test
    void postgres_statement_in_two_chunks_keeps_the_literal_tab() {
        byte[] body = fixtureBody("pganalyze-heroku-postgres-statement-2chunks-body.txt");
        List<String> messages = messages(body);
        assertEquals(2, messages.size());
        assertTrue(messages.get(0).endsWith("statement: WITH naptime(value) AS ("));
        assertEquals("<134>1 2023-06-05T19:33:14+00:00 host app postgres.1105947 - [YELLOW] [12-2] \tSELECT",
                messages.get(1));
        assertNoMalformed(body);
    }

    @Test
    void count_that_includes_the_trailing_lf_leaves_the_lf_out_of_the_message() {
        assertFrames(frame(DYNO, true) + frame(ROUTER, true), List.of(DYNO, ROUTER));
    }

    @Test
    void count_that_excludes_the_trailing_lf_treats_the_lf_as_a_separator() {
        assertFrames(frame(DYNO, false) + "\n" + frame(ROUTER, false) + "\n", List.of(DYNO, ROUTER));
    }

    @Test
    void frames_back_to_back_without_any_lf_are_split_by_their_counts() {
        assertFrames(frame(DYNO, false) + frame(L10, false) + frame(ROUTER, false), List.of(DYNO, L10, ROUTER));
    }

    @Test
    void lf_and_spaces_before_a_count_are_skipped() {
        assertFrames("\n\n  " + frame(DYNO, true) + " \r\n" + frame(ROUTER, false) + "  ", List.of(DYNO, ROUTER));
    }

    @Test
    void l10_overflow_notice_without_lf_as_the_last_frame_is_read() {
        assertFrames(frame(DYNO, true) + frame(L10, false), List.of(DYNO, L10));
    }

    @Test
    void multibyte_utf8_is_counted_in_bytes() {
        String utf8 = "<190>1 2026-11-22T10:00:00+00:00 host app web.1 - caf\u00e9 \u2713 \uD83D\uDE80 \u65e5\u672c";
        assertFrames(frame(utf8, true) + frame(DYNO, true), List.of(utf8, DYNO));
    }

    @Test
    void count_in_characters_instead_of_bytes_is_repaired_and_counted_as_malformed() {
        String utf8 = "<190>1 2026-11-22T10:00:00+00:00 host app web.1 - na\u00efve r\u00e9sum\u00e9";
        String body = (utf8.length() + 1) + " " + utf8 + "\n" + frame(DYNO, true);
        List<Frame> frames = LogplexFrameReader.read(body.getBytes(UTF_8));
        assertEquals(List.of(utf8, DYNO), texts(body.getBytes(UTF_8), frames));
        assertEquals(Frame.Kind.COUNT_MISMATCH, frames.get(0).kind());
        assertEquals(Frame.Kind.COUNTED, frames.get(1).kind());
    }

    @Test
    void count_too_long_is_cut_at_the_next_frame_instead_of_swallowing_it() {
        String body = (DYNO.length() + 20) + " " + DYNO + "\n" + frame(ROUTER, true) + frame(L10, true);
        List<Frame> frames = LogplexFrameReader.read(body.getBytes(UTF_8));
        assertEquals(List.of(DYNO, ROUTER, L10), texts(body.getBytes(UTF_8), frames));
        assertEquals(Frame.Kind.COUNT_MISMATCH, frames.get(0).kind());
    }

    @Test
    void count_that_runs_past_the_end_keeps_the_rest_of_the_body_as_a_truncated_frame() {
        String partial = ROUTER.substring(0, 60);
        String body = frame(DYNO, true) + (ROUTER.length() + 1) + " " + partial;
        List<Frame> frames = LogplexFrameReader.read(body.getBytes(UTF_8));
        assertEquals(List.of(DYNO, partial), texts(body.getBytes(UTF_8), frames));
        assertEquals(Frame.Kind.TRUNCATED, frames.get(1).kind());
    }

    @Test
    void garbage_between_frames_is_kept_as_an_unframed_frame() {
        String garbage = "this is not a frame\nnor is 12 this";
        String body = frame(DYNO, true) + garbage + "\n" + frame(ROUTER, true);
        List<Frame> frames = LogplexFrameReader.read(body.getBytes(UTF_8));
        assertEquals(List.of(DYNO, garbage, ROUTER), texts(body.getBytes(UTF_8), frames));
        assertEquals(Frame.Kind.UNFRAMED, frames.get(1).kind());
    }

    @Test
    void a_body_with_no_frames_at_all_is_kept_whole() {
        String body = "GET / HTTP/1.1 hello\n";
        List<Frame> frames = LogplexFrameReader.read(body.getBytes(UTF_8));
        assertEquals(List.of("GET / HTTP/1.1 hello"), texts(body.getBytes(UTF_8), frames));
        assertEquals(Frame.Kind.UNFRAMED, frames.get(0).kind());
    }

    @Test
    void a_digit_run_that_looks_like_a_count_does_not_swallow_following_frames() {
        String body = "2023 oops\n" + frame(DYNO, true) + frame(ROUTER, true);
        assertEquals(List.of("2023 oops", DYNO, ROUTER), messages(body.getBytes(UTF_8)));
    }

    @Test
    void an_empty_counted_message_is_an_empty_frame_so_its_count_is_accounted_for() {
        byte[] body = ("1 \n" + frame(DYNO, true)).getBytes(UTF_8);
        List<Frame> frames = LogplexFrameReader.read(body);
        assertEquals(List.of("", DYNO), texts(body, frames));
        assertNoMalformed(body);
        assertAccountedFor(body, frames);
    }

    @Test
    void an_empty_counted_message_then_a_zero_between_frames_is_an_empty_line_then_an_unframed_zero() {
        byte[] body = (frame(DYNO, true) + "1 \n0 \n" + frame(ROUTER, true)).getBytes(UTF_8);
        List<Frame> frames = LogplexFrameReader.read(body);
        assertEquals(List.of(DYNO, "", "0", ROUTER), texts(body, frames));
        assertEquals(List.of(Frame.Kind.COUNTED, Frame.Kind.COUNTED, Frame.Kind.UNFRAMED, Frame.Kind.COUNTED),
                frames.stream().map(Frame::kind).toList());
        assertAccountedFor(body, frames);
    }

    @Test
    void empty_and_whitespace_bodies_have_no_frames() {
        assertEquals(List.of(), LogplexFrameReader.read(new byte[0]));
        assertEquals(List.of(), LogplexFrameReader.read("\n \r\n".getBytes(UTF_8)));
    }

    @Test
    void a_ten_thousand_byte_message_split_by_logplex_is_two_frames_without_lf() {
        String head = "<190>1 2026-11-22T10:00:00.000001+00:00 host app web.1 - ";
        String first = head + "x".repeat(10_000 - head.length());
        String second = head + "y".repeat(1234);
        assertFrames(frame(first, false) + frame(second, false), List.of(first, second));
    }

    @Test
    void a_message_holding_a_literal_lf_inside_its_count_is_kept_whole() {
        String withLf = "<190>1 2026-11-22T10:00:00+00:00 host app web.1 - line one\nline two";
        assertFrames(frame(withLf, true) + frame(DYNO, true), List.of(withLf, DYNO));
    }

    @Test
    void random_mixes_of_every_quirk_give_back_every_message() {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            List<String> expected = new ArrayList<>();
            StringBuilder body = new StringBuilder();
            int count = 1 + random.nextInt(8);
            for (int i = 0; i < count; i++) {
                String message = randomMessage(random);
                expected.add(message);
                if (random.nextInt(4) == 0) {
                    body.append(random.nextBoolean() ? "\n" : "  ");
                }
                boolean last = i == count - 1;
                switch (random.nextInt(3)) {
                    case 0:
                        body.append(frame(message, true));
                        break;
                    case 1:
                        body.append(frame(message, false));
                        break;
                    default:
                        body.append(frame(message, false)).append(last ? "" : "\n");
                        break;
                }
            }
            byte[] bytes = body.toString().getBytes(UTF_8);
            assertEquals(expected, messages(bytes), () -> "body: " + body);
            assertNoMalformed(bytes);
        }
    }

    @Test
    void arbitrary_bytes_never_fail_and_every_content_byte_lands_in_exactly_one_frame() {
        Random random = new Random(7);
        byte[] alphabet = "0123456789 <>\n\r\tabc\u00e9".getBytes(UTF_8);
        for (int round = 0; round < 5000; round++) {
            byte[] body = new byte[random.nextInt(200)];
            for (int i = 0; i < body.length; i++) {
                body[i] = random.nextInt(5) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
            }
            if (random.nextBoolean() && body.length > 0) {
                byte[] framed = (frame(DYNO, true) + "garbage").getBytes(UTF_8);
                System.arraycopy(framed, 0, body, 0, Math.min(framed.length, body.length));
            }
            assertAccountedFor(body, LogplexFrameReader.read(body));
        }
    }

    private static void assertAccountedFor(byte[] body, List<Frame> frames) {
        String problem = FrameAccounting.problem(body, frames);
        assertTrue(problem == null, () -> problem + " in " + Arrays.toString(body));
    }

    private static String randomMessage(Random random) {
        StringBuilder sb = new StringBuilder("<190>1 2026-11-22T10:00:00." + (100000 + random.nextInt(900000))
                + "+00:00 host app web." + random.nextInt(10) + " - ");
        String[] pieces = {"GET /", " status=200", " caf\u00e9", " 12 ", "\t", " \u2713", " <13>", " 99 <1>x", "\\n"};
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            sb.append(pieces[random.nextInt(pieces.length)]);
        }
        return sb.toString();
    }

    private static void assertFrames(String body, List<String> expected) {
        byte[] bytes = body.getBytes(UTF_8);
        assertEquals(expected, messages(bytes));
        assertNoMalformed(bytes);
    }

    private static void assertNoMalformed(byte[] body) {
        LogplexFrameReader.read(body).forEach(f -> assertEquals(Frame.Kind.COUNTED, f.kind(), f::toString));
    }

    static String frame(String message, boolean countIncludesLf) {
        int len = message.getBytes(UTF_8).length;
        return countIncludesLf ? (len + 1) + " " + message + "\n" : len + " " + message;
    }

    private static List<String> messages(byte[] body) {
        return texts(body, LogplexFrameReader.read(body));
    }

    private static List<String> texts(byte[] body, List<Frame> frames) {
        List<String> out = new ArrayList<>();
        for (Frame f : frames) {
            out.add(new String(body, f.offset(), f.length(), UTF_8));
        }
        return out;
    }

    private static byte[] fixtureBody(String name) {
        return LogplexFixtures.body(name);
    }
}
