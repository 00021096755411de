package io.auditdrain.emulator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Follows a csvlog file as the server appends to it, like {@code tail -F}: each {@link #poll()} returns the records
 * completed since the last one. A file that does not exist yet is waited for; a file that shrinks or is replaced
 * (rotation) is read again from its start.
 */
final class CsvLogTail implements AutoCloseable {

    private static final int READ_SIZE = 256 * 1024;

    private final Path file;
    private final boolean fromEnd;
    private final CsvRecordParser parser = new CsvRecordParser();
    private final ByteBuffer buffer = ByteBuffer.allocate(READ_SIZE);
    private FileChannel channel;
    private Object fileKey;
    private long position;
    private boolean firstOpen = true;
    private long malformedRecords;

    /**
     * @param fromEnd skip what the file holds when it is first opened (only what is written afterwards is sent)
     */
    CsvLogTail(Path file, boolean fromEnd) {
        this.file = file;
        this.fromEnd = fromEnd;
    }

    /** Records completed since the last poll; empty when there are none (or no file yet). */
    List<PostgresLogRecord> poll() throws IOException {
        List<PostgresLogRecord> records = new ArrayList<>();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return records;
        }
        if (channel != null && !Objects.equals(fileKey, attributes.fileKey())) {
            readAvailable(records); // the rest of the file that was replaced
            closeChannel();
        }
        if (channel == null) {
            open(attributes);
        }
        if (attributes.size() < position) {
            position = 0; // truncated in place
            parser.reset();
        }
        readAvailable(records);
        return records;
    }

    /** Records that could not be read as csvlog (too few columns), skipped. */
    long malformedRecords() {
        return malformedRecords;
    }

    private void open(BasicFileAttributes attributes) throws IOException {
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return;
        }
        fileKey = attributes.fileKey();
        position = firstOpen && fromEnd ? channel.size() : 0;
        firstOpen = false;
        parser.reset();
    }

    private void readAvailable(List<PostgresLogRecord> out) throws IOException {
        if (channel == null) {
            return;
        }
        while (true) {
            buffer.clear();
            int n = channel.read(buffer, position);
            if (n <= 0) {
                return;
            }
            position += n;
            for (List<String> fields : parser.feed(buffer.array(), 0, n)) {
                if (fields.size() < PostgresLogRecord.MIN_COLUMNS) {
                    malformedRecords++;
                } else {
                    out.add(PostgresLogRecord.fromCsv(fields));
                }
            }
        }
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    @Override
    public void close() throws IOException {
        closeChannel();
    }
}
