package io.auditdrain.verifier.testsupport;

import io.auditdrain.core.ByteSink;
import io.auditdrain.core.GzipEncoder;
import io.auditdrain.core.LineCodec;
import io.auditdrain.core.LogplexMessage;
import io.auditdrain.core.ObjectKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Writes objects the way the receiver does (the receiver itself is built elsewhere; these tests must not need it):
 * gzip of {@link LineCodec}-encoded messages, under the key of the newest message's time.
 */
public interface DrainedObjects {

    void put(String key, byte[] gzip);

    /** Stores {@code messages} as one object; returns its key. */
    default String write(String app, List<String> messages) {
        Instant newest = Instant.EPOCH;
        for (String m : messages) {
            Instant t = LogplexMessage.parse(m).map(LogplexMessage::timestamp).orElse(null);
            if (t != null && t.isAfter(newest)) {
                newest = t;
            }
        }
        return write(app, newest, messages);
    }

    /** Stores {@code messages} as one object under the key of {@code keyTime}; returns its key. */
    default String write(String app, Instant keyTime, List<String> messages) {
        return write(new ObjectKey(app, keyTime.toEpochMilli(), UUID.randomUUID()), messages);
    }

    /** Stores {@code messages} as one object under {@code key}; returns the key. */
    default String write(ObjectKey objectKey, List<String> messages) {
        ByteSink lines = new ByteSink(4096);
        for (String m : messages) {
            byte[] b = m.getBytes(StandardCharsets.UTF_8);
            LineCodec.encode(b, 0, b.length, lines);
        }
        byte[] gzip;
        try (GzipEncoder encoder = new GzipEncoder(6)) {
            gzip = encoder.encode(lines.toByteArray());
        }
        String key = objectKey.toString();
        put(key, gzip);
        return key;
    }

    static DrainedObjects s3(S3Client s3, String bucket) {
        return (key, gzip) -> s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key)
                .contentType("text/plain; charset=utf-8").contentEncoding("gzip").build(), RequestBody.fromBytes(gzip));
    }

    static DrainedObjects directory(Path root) {
        return (key, gzip) -> {
            try {
                Path file = root.resolve(key);
                Files.createDirectories(file.getParent());
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.write(tmp, gzip);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
