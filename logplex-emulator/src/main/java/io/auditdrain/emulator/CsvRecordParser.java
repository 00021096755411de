package io.auditdrain.emulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses PostgreSQL's csvlog incrementally: bytes go in as they are read from a growing file, complete records come
 * out, and a record that is still being written stays inside until its end arrives. A record ends at an LF outside
 * quotes; quoted fields may hold commas, LFs and doubled quotes (a multi-line statement is one field).
 */
final class CsvRecordParser {

    private enum State { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED }

    private State state = State.FIELD_START;
    private byte[] field = new byte[1024];
    private int fieldLength;
    private List<String> fields = new ArrayList<>(26);

    /** Feeds {@code bytes[off, off+len)}; returns the records completed by them, in order. */
    List<List<String>> feed(byte[] bytes, int off, int len) {
        List<List<String>> records = new ArrayList<>();
        for (int i = off; i < off + len; i++) {
            byte c = bytes[i];
            switch (state) {
                case FIELD_START -> {
                    if (c == '"') {
                        state = State.QUOTED;
                    } else if (c == ',') {
                        endField();
                    } else if (c == '\n') {
                        endRecord(records);
                    } else {
                        append(c);
                        state = State.UNQUOTED;
                    }
                }
                case UNQUOTED -> {
                    if (c == ',') {
                        endField();
                    } else if (c == '\n') {
                        endRecord(records);
                    } else {
                        append(c);
                    }
                }
                case QUOTED -> {
                    if (c == '"') {
                        state = State.QUOTE_IN_QUOTED;
                    } else {
                        append(c);
                    }
                }
                case QUOTE_IN_QUOTED -> {
                    if (c == '"') {
                        append(c);
                        state = State.QUOTED;
                    } else if (c == ',') {
                        endField();
                    } else if (c == '\n') {
                        endRecord(records);
                    } else {
                        // Not CSV as PostgreSQL writes it; keep the byte rather than lose it.
                        append(c);
                        state = State.UNQUOTED;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return records;
    }

    /** Forgets a partly read record (the file was truncated or replaced). */
    void reset() {
        state = State.FIELD_START;
        fieldLength = 0;
        fields = new ArrayList<>(26);
    }

    /** Whether part of a record has been read but not its end. */
    boolean midRecord() {
        return !fields.isEmpty() || fieldLength > 0 || state != State.FIELD_START;
    }

    private void append(byte c) {
        if (fieldLength == field.length) {
            field = Arrays.copyOf(field, field.length * 2);
        }
        field[fieldLength++] = c;
    }

    private void endField() {
        fields.add(new String(field, 0, fieldLength, StandardCharsets.UTF_8));
        fieldLength = 0;
        state = State.FIELD_START;
    }

    private void endRecord(List<List<String>> records) {
        boolean blankLine = fields.isEmpty() && fieldLength == 0 && state == State.FIELD_START;
        endField();
        if (!blankLine) {
            records.add(List.copyOf(fields));
        }
        fields = new ArrayList<>(26);
    }
}
