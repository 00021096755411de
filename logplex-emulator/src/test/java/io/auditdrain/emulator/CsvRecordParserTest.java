package io.auditdrain.emulator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRecordParserTest {

    static byte[] sample() throws IOException {
        try (InputStream in = CsvRecordParserTest.class.getResourceAsStream("/postgres15-sample.csv")) {
            return in.readAllBytes();
        }
    }

    @Test
    void a_real_postgres_15_csvlog_gives_one_record_per_event_with_every_column() throws IOException {
        List<List<String>> records = new CsvRecordParser().feed(sample(), 0, sample().length);
        assertEquals(18, records.size(), "start-up, the session's events, shutdown");
        for (List<String> record : records) {
            assertEquals(26, record.size(), record.toString());
        }
        List<String> insert = records.get(7);
        assertEquals("statement: INSERT INTO t (id, note)\nVALUES ('a,b', 'say \"hi\"'),\n\t('ünïcødé', E'line\\nbreak');",
                insert.get(13));
        assertEquals("127.0.0.1:56266", insert.get(4));
        assertEquals("client backend", insert.get(23));
        assertEquals("", insert.get(14), "an empty unquoted field");
    }

    @Test
    void records_come_out_the_same_however_the_bytes_are_cut() throws IOException {
        byte[] all = sample();
        List<List<String>> whole = new CsvRecordParser().feed(all, 0, all.length);
        for (int cut = 1; cut < all.length; cut += 7) {
            CsvRecordParser parser = new CsvRecordParser();
            List<List<String>> parts = new ArrayList<>(parser.feed(all, 0, cut));
            parts.addAll(parser.feed(all, cut, all.length - cut));
            assertEquals(whole, parts, "cut at " + cut);
        }
    }

    @Test
    void a_record_without_its_final_newline_stays_inside_until_it_arrives() {
        CsvRecordParser parser = new CsvRecordParser();
        byte[] start = "a,\"multi\nline".getBytes(UTF_8);
        assertTrue(parser.feed(start, 0, start.length).isEmpty());
        assertTrue(parser.midRecord());
        byte[] end = "\",c\n".getBytes(UTF_8);
        assertEquals(List.of(List.of("a", "multi\nline", "c")), parser.feed(end, 0, end.length));
        assertFalse(parser.midRecord());
    }

    @Test
    void doubled_quotes_commas_and_empty_fields_are_read_as_csv() {
        byte[] csv = "\"x \"\"y\"\", z\",,\"\",1\n\nlast,\"\"\n".getBytes(UTF_8);
        assertEquals(List.of(List.of("x \"y\", z", "", "", "1"), List.of("last", "")),
                new CsvRecordParser().feed(csv, 0, csv.length));
    }

    @Test
    void reset_forgets_a_partly_read_record() {
        CsvRecordParser parser = new CsvRecordParser();
        byte[] partial = "a,\"open".getBytes(UTF_8);
        parser.feed(partial, 0, partial.length);
        parser.reset();
        byte[] next = "b,c\n".getBytes(UTF_8);
        assertEquals(List.of(List.of("b", "c")), parser.feed(next, 0, next.length));
    }
}
