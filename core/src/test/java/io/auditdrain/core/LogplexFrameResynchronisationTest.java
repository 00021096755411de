package io.auditdrain.core;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The reader's resynchronisation rule as a property: whatever one count says (off by -10..+10 bytes, or any amount
 * past the end of the body), with or without LFs between frames, every well-formed frame before and after the
 * damaged one comes out as its own line, and every byte of the body is accounted for.
 */
class LogplexFrameResynchronisationTest {

    /** How the frames of a body are laid out: the count includes an LF, an LF (or CRLF) follows it, or nothing. */
    private enum Spacing { LF_COUNTED, LF_BETWEEN, CRLF_BETWEEN, NONE, MIXED }

    private static final int ROUNDS = 40;
    /** What the reader takes for a frame start: a count without leading zero, SP, {@code <PRI>}. */
    private static final Pattern FRAME_START = Pattern.compile("(?=[1-9][0-9]{0,7} <[0-9]{1,3}>)");
    private static final String SEPARATORS = "\n\r\t ";

    @Test
    void every_well_formed_frame_survives_a_count_off_by_minus_ten_to_plus_ten() {
        Random random = new Random(13);
        int rounds = 0;
        int coincidences = 0;
        for (Spacing spacing : Spacing.values()) {
            for (int off = -10; off <= 10; off++) {
                if (off == 0) {
                    continue;
                }
                int delta = off;
                for (int round = 0; round < ROUNDS; round++) {
                    rounds++;
                    if (!assertFramesSurvive(random, spacing, (count, remaining) -> count + delta,
                            spacing + ", count off by " + delta + ", round " + round)) {
                        coincidences++;
                    }
                }
            }
        }
        assertRare(coincidences, rounds);
    }

    @Test
    void every_well_formed_frame_survives_a_count_that_runs_past_the_end_by_any_amount() {
        Random random = new Random(17);
        int rounds = 0;
        int coincidences = 0;
        for (Spacing spacing : Spacing.values()) {
            for (int round = 0; round < 25 * ROUNDS; round++) {
                int kind = round % 4;
                rounds++;
                boolean checked = assertFramesSurvive(random, spacing, (count, remaining) -> {
                    int past = kind == 0 ? 1 : kind == 1 ? 2 + random.nextInt(9)
                            : kind == 2 ? 10 + random.nextInt(100_000) : 1 + random.nextInt(99_999_999 - remaining);
                    return remaining + past;
                }, spacing + ", count past the end, round " + round);
                coincidences += checked ? 0 : 1;
            }
        }
        assertRare(coincidences, rounds);
    }

    /** Coincidences need glued frames and a damaged count; they stay rare, or the generator no longer tests much. */
    private static void assertRare(int coincidences, int rounds) {
        assertTrue(coincidences * 50 < rounds, coincidences + " of " + rounds + " bodies held a coincidence of digits");
    }

    @Test
    void the_issue_example_of_a_count_of_a_million_before_a_postgres_statement() {
        String router = "<158>1 2020-01-08T22:33:57.353034+00:00 host heroku router - i'm not that long";
        String statement = "<134>1 2023-06-05T19:33:14+00:00 host app postgres.77 - [YELLOW] [5-1]  sql_error_code = "
                + "00000 LOG:  statement: INSERT INTO customer_audit_events (tag) VALUES ('tracer-abc123')";
        String dyno = "<40>1 2020-01-08T22:33:58+00:00 host app web.3 - State changed from starting to up";
        byte[] body = ("1000000 " + router + "\n" + counted(statement) + counted(dyno)).getBytes(UTF_8);
        List<Frame> frames = LogplexFrameReader.read(body);
        assertEquals(List.of(router, statement, dyno), texts(body, frames));
        assertEquals(List.of(Frame.Kind.COUNT_MISMATCH, Frame.Kind.COUNTED, Frame.Kind.COUNTED), kinds(frames));
        assertNull(FrameAccounting.problem(body, frames));
    }

    @Test
    void the_issue_example_of_a_count_three_bytes_too_long_with_and_without_an_lf() {
        String dyno = "<40>1 2020-01-08T22:33:58+00:00 host app web.3 - State changed from starting to up";
        String statement = "<134>1 2023-06-05T19:33:14+00:00 host app postgres.77 - [YELLOW] [5-1]  LOG:  statement: "
                + "INSERT INTO customer_audit_events (tag) VALUES ('tracer-abc123')";
        int count = dyno.getBytes(UTF_8).length + 1;
        for (String between : List.of("\n", "")) {
            byte[] body = ((count + 3) + " " + dyno + between + counted(statement)).getBytes(UTF_8);
            List<Frame> frames = LogplexFrameReader.read(body);
            assertEquals(List.of(dyno, statement), texts(body, frames), "between: '" + between + "'");
            assertNull(FrameAccounting.problem(body, frames));
        }
    }

    @Test
    void a_count_one_byte_too_long_does_not_steal_the_first_digit_of_the_next_count() {
        String dyno = "<190>1 2026-11-22T10:00:00.123456+00:00 host app web.1 - status=200";
        String next = "<190>1 2026-11-22T10:00:00.223456+00:00 host app web.1 - " + "x".repeat(120);
        int count = dyno.getBytes(UTF_8).length;
        byte[] body = ((count + 1) + " " + dyno + counted(next)).getBytes(UTF_8);
        assertEquals(List.of(dyno, next), texts(body, LogplexFrameReader.read(body)));
    }

    @Test
    void a_message_that_ends_in_digits_and_is_glued_to_the_next_count_keeps_its_digits() {
        String first = "<190>1 2026-11-22T10:00:00.123456+00:00 host app web.1 - bytes=656";
        String second = "<190>1 2026-11-22T10:00:00.223456+00:00 host app web.1 - next";
        byte[] body = (first.getBytes(UTF_8).length + " " + first + second.getBytes(UTF_8).length + " " + second)
                .getBytes(UTF_8);
        List<Frame> frames = LogplexFrameReader.read(body);
        assertEquals(List.of(first, second), texts(body, frames));
        assertEquals(List.of(Frame.Kind.COUNTED, Frame.Kind.COUNTED), kinds(frames));
    }

    @Test
    void a_correct_count_is_trusted_even_when_the_message_holds_text_that_looks_like_a_frame() {
        String quoting = "<190>1 2026-11-22T10:00:00+00:00 host app web.1 - forwarded: 83 <40>1 2020-01-08T22:33:58+00:00";
        byte[] body = (counted(quoting) + counted(quoting)).getBytes(UTF_8);
        List<Frame> frames = LogplexFrameReader.read(body);
        assertEquals(List.of(quoting, quoting), texts(body, frames));
        assertEquals(List.of(Frame.Kind.COUNTED, Frame.Kind.COUNTED), kinds(frames));
    }

    /** The count of the damaged frame, from its true count and the bytes from its message to the end of the body. */
    private interface Damage {
        int count(int trueCount, int remaining);
    }

    /**
     * Asserts the property for one random body; returns false (having checked only that every byte is accounted
     * for) when the body holds a coincidence of digits that no reader can resolve.
     */
    private static boolean assertFramesSurvive(Random random, Spacing spacing, Damage damage, String what) {
        int n = 2 + random.nextInt(6);
        int damaged = random.nextInt(n);
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            messages.add(message(random, i != damaged));
        }
        Built built = body(random, spacing, messages, damaged, damage);
        byte[] body = built.body();
        List<Frame> frames = LogplexFrameReader.read(body);
        String context = what + "\nbody: " + new String(body, UTF_8);
        assertNull(FrameAccounting.problem(body, frames), context);
        if (digitsCoincide(built, damaged)) {
            return false;
        }
        List<String> texts = texts(body, frames);
        List<Frame.Kind> kinds = kinds(frames);
        int after = n - damaged - 1;
        for (int i = 0; i < damaged; i++) {
            assertEquals(messages.get(i), texts.get(i), context);
            assertEquals(Frame.Kind.COUNTED, kinds.get(i), context);
        }
        for (int i = 0; i < after; i++) {
            int frame = texts.size() - after + i;
            assertEquals(messages.get(damaged + 1 + i), texts.get(frame), context);
            assertEquals(Frame.Kind.COUNTED, kinds.get(frame), context);
        }
        return true;
    }

    /** A body and where each frame's count prefix starts in it. */
    private record Built(byte[] body, int[] starts) {
    }

    private static Built body(Random random, Spacing spacing, List<String> messages, int damaged, Damage damage) {
        List<byte[]> parts = new ArrayList<>();
        int[] countAt = new int[messages.size()];
        for (int i = 0; i < messages.size(); i++) {
            Spacing s = spacing == Spacing.MIXED ? Spacing.values()[random.nextInt(4)] : spacing;
            byte[] m = messages.get(i).getBytes(UTF_8);
            boolean last = i == messages.size() - 1;
            String after = switch (s) {
                case LF_COUNTED -> "\n";
                case LF_BETWEEN -> last && random.nextBoolean() ? "" : "\n";
                case CRLF_BETWEEN -> last && random.nextBoolean() ? "" : "\r\n";
                default -> "";
            };
            countAt[i] = m.length + (s == Spacing.LF_COUNTED ? 1 : 0);
            parts.add(m);
            parts.add(after.getBytes(UTF_8));
        }
        int remaining = 0;
        for (int i = damaged; i < messages.size(); i++) {
            remaining += parts.get(2 * i).length + parts.get(2 * i + 1).length
                    + (i > damaged ? (countAt[i] + " ").length() : 0);
        }
        List<byte[]> bytes = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            int count = i == damaged ? damage.count(countAt[i], remaining) : countAt[i];
            bytes.add((count + " ").getBytes(UTF_8));
            bytes.add(parts.get(2 * i));
            bytes.add(parts.get(2 * i + 1));
        }
        int total = 0;
        for (byte[] b : bytes) {
            total += b.length;
        }
        byte[] body = new byte[total];
        int[] starts = new int[messages.size()];
        int at = 0;
        for (int p = 0; p < bytes.size(); p++) {
            if (p % 3 == 0) {
                starts[p / 3] = at;
            }
            System.arraycopy(bytes.get(p), 0, body, at, bytes.get(p).length);
            at += bytes.get(p).length;
        }
        return new Built(body, starts);
    }

    /**
     * Whether the body holds the one thing no reader can tell from a real frame: where a count is glued to the
     * message before it (no line break between), a different split of the digits there (a suffix of the damaged
     * count, or of the next count with the damaged message's trailing digits) whose count happens to end exactly
     * on a frame start, an LF or the end of the body. Found here by regular expression, apart from the reader.
     */
    private static boolean digitsCoincide(Built built, int damaged) {
        byte[] body = built.body();
        String text = new String(body, ISO_8859_1);
        Set<Integer> frameStarts = new HashSet<>();
        Matcher m = FRAME_START.matcher(text);
        while (m.find()) {
            frameStarts.add(m.start());
        }
        for (int k = damaged; k <= damaged + 1 && k < built.starts().length; k++) {
            int start = built.starts()[k];
            if (start == 0 || body[start - 1] == '\n' || body[start - 1] == '\r') {
                continue;
            }
            int sp = text.indexOf(' ', start);
            int runStart = sp;
            while (runStart > 0 && sp - runStart < 8 && Character.isDigit(text.charAt(runStart - 1))) {
                runStart--;
            }
            for (int split = runStart; split < sp; split++) {
                if (split == start || text.charAt(split) == '0') {
                    continue;
                }
                long lands = sp + 1L + Long.parseLong(text.substring(split, sp));
                if (lands == body.length || lands == body.length + 1L) {
                    return true;
                }
                if (lands < body.length) {
                    int at = (int) lands;
                    while (at < body.length && SEPARATORS.indexOf(text.charAt(at)) >= 0) {
                        at++;
                    }
                    if (body[(int) lands - 1] == '\n' || at == body.length || frameStarts.contains(at)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static final String[] TAILS = {"status=200", " bytes=656", " caf\u00e9 cr\u00e8me", " \u2713", "\tTAB",
        " path=\"/api/v1/orders\"", " 12", " service=7ms", " request_id=8f3a", " [5-1]", " \u65e5\u672c"};
    /** Text that looks like a frame start, kept out of the damaged message (see the reader's limits). */
    private static final String[] FRAME_LOOKALIKES = {" forwarded: 83 <40>1 x", " 99 <1>x", " <13>"};

    private static String message(Random random, boolean mayQuoteFrames) {
        String[] heads = {
            "<158>1 2026-11-22T10:00:00.%06d+00:00 host heroku router - at=info method=GET",
            "<190>1 2026-11-22T10:00:00.%06d+00:00 host app web.%d - Started GET",
            "<134>1 2026-11-22T10:00:%02d+00:00 host app postgres.1105947 - [DATABASE] [%d-1]  LOG:  statement: "
                    + "INSERT INTO customer_audit_events (tag) VALUES ('t')"};
        StringBuilder sb = new StringBuilder(String.format(heads[random.nextInt(heads.length)],
                random.nextInt(60), 1 + random.nextInt(9)));
        int pieces = random.nextInt(6);
        for (int i = 0; i < pieces; i++) {
            if (mayQuoteFrames && random.nextInt(8) == 0) {
                sb.append(FRAME_LOOKALIKES[random.nextInt(FRAME_LOOKALIKES.length)]);
            } else {
                sb.append(TAILS[random.nextInt(TAILS.length)]);
            }
        }
        return sb.toString();
    }

    private static String counted(String message) {
        return (message.getBytes(UTF_8).length + 1) + " " + message + "\n";
    }

    private static List<String> texts(byte[] body, List<Frame> frames) {
        List<String> out = new ArrayList<>();
        for (Frame f : frames) {
            out.add(new String(body, f.offset(), f.length(), UTF_8));
        }
        return out;
    }

    private static List<Frame.Kind> kinds(List<Frame> frames) {
        return frames.stream().map(Frame::kind).toList();
    }
}
