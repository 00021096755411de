package io.auditdrain.receiver.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.GzipDecoder;
import io.auditdrain.core.LineCodec;
import io.auditdrain.core.ObjectKey;
import io.auditdrain.receiver.store.DrainObject;
import io.auditdrain.testing.LogplexFixtures;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchEncoderTest {

    private static final String FRAME_ID = "09C557EAFCFB6CF2740EE62F62971098";
    private static final String TOKEN = "d.fc6b856b-3332-4546-93de-7d0ee272c3bd";

    private final BatchEncoder encoder = new BatchEncoder(6);

    @AfterEach
    void close() {
        encoder.close();
    }

    @Test
    void one_day_of_messages_becomes_one_object_named_after_the_newest_timestamp() {
        byte[] body = body(
                line("2026-11-22T10:00:00.000001+00:00", "first"),
                line("2026-11-22T10:00:05.250000+00:00", "newest"),
                line("2026-11-22T09:59:00+00:00", "waited in the Logplex buffer"));
        EncodedBatch batch = encode(body, FRAME_ID);
        assertEquals(1, batch.objects().size());
        ObjectKey key = batch.objects().get(0).key();
        assertEquals("my-app", key.app());
        assertEquals(Instant.parse("2026-11-22T10:00:05.250Z").toEpochMilli(), key.epochMillis());
        assertTrue(key.toString().startsWith("logs/my-app/2026/11/22/" + key.epochMillis() + "-"), key.toString());
        assertEquals(3, batch.messages());
    }

    @Test
    void a_batch_across_utc_midnight_is_split_into_one_object_per_day() {
        byte[] body = body(
                line("2026-11-22T23:59:59.900000+00:00", "before midnight"),
                line("2026-11-23T00:00:00.100000+00:00", "after midnight"),
                line("2026-11-23T00:30:00+01:00", "also before midnight UTC"));
        EncodedBatch batch = encode(body, FRAME_ID);
        assertEquals(2, batch.objects().size());
        assertEquals("2026-11-22", batch.objects().get(0).key().day().toString());
        assertEquals(List.of(text("2026-11-22T23:59:59.900000+00:00", "before midnight"),
                text("2026-11-23T00:30:00+01:00", "also before midnight UTC")), lines(batch.objects().get(0)));
        assertEquals("2026-11-23", batch.objects().get(1).key().day().toString());
        assertEquals(List.of(text("2026-11-23T00:00:00.100000+00:00", "after midnight")), lines(batch.objects().get(1)));
    }

    @Test
    void a_count_of_a_million_no_longer_hides_the_statement_after_it_in_an_older_day() {
        String router = "<158>1 2020-01-08T22:33:57.353034+00:00 host heroku router - i'm not that long";
        String statement = "<134>1 2023-06-05T19:33:14+00:00 host app postgres.77 - [YELLOW] [5-1]  sql_error_code = "
                + "00000 LOG:  statement: INSERT INTO customer_audit_events (tag) VALUES ('tracer-abc123')";
        EncodedBatch batch = encode(("1000000 " + router + "\n" + frame(statement)).getBytes(UTF_8), FRAME_ID);
        assertEquals(2, batch.objects().size());
        assertEquals(List.of(router), lines(batch.objects().get(0)));
        assertEquals(List.of(statement), lines(batch.objects().get(1)));
        assertEquals(Instant.parse("2023-06-05T19:33:14Z").toEpochMilli(), batch.objects().get(1).key().epochMillis());
        assertEquals(1, batch.malformedFrames());
    }

    @Test
    void a_body_with_no_timestamp_that_parses_is_keyed_at_epoch_zero_whenever_it_arrives() {
        byte[] body = ("garbage without a frame\n" + frame("<13>1 - host app web.1 - nil timestamp")).getBytes(UTF_8);
        EncodedBatch batch = encode(body, FRAME_ID);
        assertEquals(1, batch.objects().size());
        ObjectKey key = batch.objects().get(0).key();
        assertEquals(0, key.epochMillis());
        assertTrue(key.toString().startsWith("logs/my-app/1970/01/01/0000000000000-"), key.toString());
        assertEquals(1, batch.malformedFrames());
        assertEquals(List.of("garbage without a frame", "<13>1 - host app web.1 - nil timestamp"),
                lines(batch.objects().get(0)));
    }

    @Test
    void undated_frames_join_the_group_of_the_newest_timestamp() {
        byte[] body = body(
                line("2026-11-22T23:59:59.900000+00:00", "before midnight"),
                frame("<13>1 - host app web.1 - nil timestamp"),
                line("2026-11-23T00:00:00.100000+00:00", "after midnight"));
        EncodedBatch batch = encode(body, FRAME_ID);
        assertEquals(2, batch.objects().size());
        assertEquals(List.of(text("2026-11-22T23:59:59.900000+00:00", "before midnight")),
                lines(batch.objects().get(0)));
        assertEquals(List.of("<13>1 - host app web.1 - nil timestamp",
                text("2026-11-23T00:00:00.100000+00:00", "after midnight")), lines(batch.objects().get(1)));
        assertEquals(Instant.parse("2026-11-23T00:00:00.100Z").toEpochMilli(),
                batch.objects().get(1).key().epochMillis());
    }

    @Test
    void a_retry_that_carries_a_leading_l10_notice_keeps_the_batch_key_and_stores_the_notice_apart() {
        byte[] first = body(line("2026-11-22T10:00:00.000001+00:00", "a"), line("2026-11-22T10:00:00.5+00:00", "b"));
        String notice = "<172>1 2026-11-22T10:00:09+00:00 host heroku logplex - Error L10 (output buffer overflow): "
                + "3 messages dropped since 2026-11-22T10:00:02+00:00.";
        byte[] retry = (frame(notice) + new String(first, UTF_8)).getBytes(UTF_8);

        EncodedBatch once = encode(first, FRAME_ID);
        EncodedBatch again = encode(retry, FRAME_ID);

        assertEquals(1, once.objects().size());
        assertEquals(2, again.objects().size());
        assertEquals(List.of(notice), lines(again.objects().get(0)));
        assertEquals(Instant.parse("2026-11-22T10:00:09Z").toEpochMilli(), again.objects().get(0).key().epochMillis());
        assertEquals(key(once), again.objects().get(1).key().toString(), "the batch itself has the same key");
        assertEquals(lines(once.objects().get(0)), lines(again.objects().get(1)));
        assertEquals(1, again.overflowNotices());
        assertEquals(again.objects().get(0).key(), encode(retry, FRAME_ID).objects().get(0).key(),
                "a third attempt with the notice maps to the same two keys");
    }

    @Test
    void a_body_of_notices_only_is_one_object() {
        String notice = "<172>1 2026-11-22T10:00:09+00:00 host heroku logplex - Error L10 (output buffer overflow): "
                + "3 messages dropped since 2026-11-22T10:00:02+00:00.";
        EncodedBatch batch = encode(frame(notice).getBytes(UTF_8), FRAME_ID);
        assertEquals(1, batch.objects().size());
        assertEquals(List.of(notice), lines(batch.objects().get(0)));
    }

    @Test
    void an_l10_notice_after_other_frames_stays_in_the_batch() {
        String notice = "<172>1 2026-11-22T10:00:09+00:00 host heroku logplex - Error L10 (output buffer overflow): "
                + "3 messages dropped since 2026-11-22T10:00:02+00:00.";
        byte[] body = body(line("2026-11-22T10:00:00.000001+00:00", "a"), frame(notice));
        EncodedBatch batch = encode(body, FRAME_ID);
        assertEquals(1, batch.objects().size());
        assertEquals(2, batch.objects().get(0).messageCount());
    }

    @Test
    void every_shared_fixture_is_stored_line_for_line_byte_for_byte() {
        for (String fixture : LogplexFixtures.NAMES) {
            EncodedBatch batch = encode(LogplexFixtures.body(fixture), null);
            assertEquals(0, batch.malformedFrames(), fixture);
            String joined = String.join("\n", batch.objects().stream().flatMap(o -> lines(o).stream()).toList());
            String expected = new String(LogplexFixtures.body(fixture), UTF_8).replaceAll("(?m)^\\d+ ", "").strip();
            assertEquals(expected, joined, fixture);
        }
    }

    @Test
    void a_retry_of_the_same_batch_gets_the_same_key_with_or_without_a_frame_id() {
        byte[] body = LogplexFixtures.body("logplex-readme-http-drain-request.txt");
        assertEquals(key(encode(body, FRAME_ID)), key(encode(body, FRAME_ID)));
        assertEquals(key(encode(body, null)), key(encode(body, null)));
        assertNotEquals(key(encode(body, FRAME_ID)), key(encode(body, null)));
    }

    @Test
    void different_content_never_shares_a_key_even_under_the_same_frame_id() {
        byte[] a = body(line("2026-11-22T10:00:00+00:00", "a"));
        byte[] b = body(line("2026-11-22T10:00:00+00:00", "b"));
        assertNotEquals(key(encode(a, FRAME_ID)), key(encode(b, FRAME_ID)));
        assertNotEquals(key(encode(a, FRAME_ID)), key(encode(a, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")));
    }

    @Test
    void overflow_notices_and_malformed_frames_are_counted() {
        String l10 = "<172>1 2026-11-22T10:00:01+00:00 host heroku logplex - Error L10 (output buffer overflow): "
                + "42 messages dropped since 2026-11-22T09:59:58+00:00.";
        String dyno = text("2026-11-22T10:00:00+00:00", "ok");
        byte[] body = (frame(dyno) + "stray bytes\n" + (l10.length() + 5) + " " + l10).getBytes(UTF_8);
        EncodedBatch batch = encode(body, FRAME_ID);
        assertEquals(1, batch.overflowNotices());
        assertEquals(2, batch.malformedFrames());
        assertEquals(List.of(dyno, "stray bytes", l10), lines(batch.objects().get(0)));
        assertEquals(2, batch.objects().get(0).malformedCount());
    }

    @Test
    void metadata_keeps_plausible_logplex_ids_only() {
        DrainObject object = encode(body(line("2026-11-22T10:00:00+00:00", "x")), FRAME_ID).objects().get(0);
        assertEquals(FRAME_ID, object.frameId());
        assertEquals(TOKEN, object.drainToken());
        BatchEncoder.BatchContext odd = new BatchEncoder.BatchContext("my-app", "x\ny", "d.\u00e9");
        DrainObject oddObject = encoder.encode(body(line("2026-11-22T10:00:00+00:00", "x")), odd).objects().get(0);
        assertNull(oddObject.frameId());
        assertNull(oddObject.drainToken());
    }

    @Test
    void an_empty_body_gives_no_object() {
        assertEquals(0, encode(new byte[0], FRAME_ID).objects().size());
    }

    private EncodedBatch encode(byte[] body, String frameId) {
        return encoder.encode(body, new BatchEncoder.BatchContext("my-app", frameId, TOKEN));
    }

    private static String key(EncodedBatch batch) {
        return batch.objects().get(0).key().toString();
    }

    static List<String> lines(DrainObject object) {
        return LineCodec.decodeAllUtf8(GzipDecoder.decode(object.gzip()));
    }

    private static String text(String timestamp, String message) {
        return "<190>1 " + timestamp + " host app web.1 - " + message;
    }

    private static String line(String timestamp, String message) {
        return frame(text(timestamp, message));
    }

    private static String frame(String message) {
        return (message.getBytes(UTF_8).length + 1) + " " + message + "\n";
    }

    private static byte[] body(String... frames) {
        return String.join("", frames).getBytes(UTF_8);
    }
}
