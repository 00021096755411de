package io.auditdrain.verifier.testsupport;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Follows a PostgreSQL csvlog file from where it ends now, returning each complete record once. */
public final class PostgresCsvLog {

    /** The csvlog columns a drain line is made of (PostgreSQL 15 order). */
    public record Entry(String logTime, String user, String database, long pid, String connectionFrom,
                        String sessionId, long sessionLine, String sessionStart, String vxid, String txid,
                        String severity, String message, String detail, String applicationName) {
    }

    private final Path file;
    private long position;
    private final StringBuilder pending = new StringBuilder();

    public PostgresCsvLog(Path file) {
        this.file = file;
        try {
            this.position = Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The records written since the last call. */
    public List<Entry> poll() {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            if (length > position) {
                byte[] b = new byte[(int) (length - position)];
                raf.seek(position);
                raf.readFully(b);
                position = length;
                pending.append(new String(b, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Entry> entries = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int consumed = 0;
        for (int i = 0; i < pending.length(); i++) {
            char c = pending.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < pending.length() && pending.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\n') {
                fields.add(field.toString());
                field.setLength(0);
                entries.add(entry(fields));
                fields.clear();
                consumed = i + 1;
            } else {
                field.append(c);
            }
        }
        pending.delete(0, consumed);
        return entries;
    }

    private static Entry entry(List<String> f) {
        return new Entry(f.get(0), f.get(1), f.get(2), Long.parseLong(f.get(3)), f.get(4), f.get(5),
                Long.parseLong(f.get(6)), f.get(8), f.get(9), f.get(10), f.get(11), f.get(13), f.get(14), f.get(22));
    }
}
