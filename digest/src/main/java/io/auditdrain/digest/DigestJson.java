package io.auditdrain.digest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The two JSON lines of a digest file, written member by member in the order docs/digest-format.md gives, and read
 * back strictly: every member required, none unknown, in any order.
 */
final class DigestJson {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(1 << 20).build())
            .build();

    private DigestJson() {
    }

    static byte[] payload(ArchiveDigest d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 220 * (d.objects().size()
                + d.lateObjects().size()));
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("format", d.format());
            g.writeStringField("app", d.app());
            g.writeStringField("key", d.key());
            g.writeObjectFieldStart("interval");
            g.writeStringField("start", d.interval().start().toString());
            g.writeStringField("end", d.interval().end().toString());
            g.writeEndObject();
            g.writeStringField("created", d.created().toString());
            g.writeObjectFieldStart("policy");
            g.writeNumberField("grace_seconds", d.grace().toSeconds());
            g.writeNumberField("late_window_seconds", d.lateWindow().toSeconds());
            g.writeEndObject();
            if (d.previous() == null) {
                g.writeNullField("previous");
            } else {
                g.writeObjectFieldStart("previous");
                g.writeStringField("key", d.previous().key());
                g.writeStringField("signature_sha256", d.previous().signatureSha256());
                g.writeEndObject();
            }
            boolean second = ArchiveDigest.FORMAT.equals(d.format());
            if (second) {
                g.writeArrayFieldStart("gap");
                for (DigestGap gap : d.gap()) {
                    g.writeStartObject();
                    g.writeObjectFieldStart("interval");
                    g.writeStringField("start", gap.interval().start().toString());
                    g.writeStringField("end", gap.interval().end().toString());
                    g.writeEndObject();
                    writeEntries(g, "versions", gap.versions());
                    writeMarkers(g, "delete_markers", gap.deleteMarkers());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            writeEntries(g, "objects", d.objects());
            if (second) {
                writeMarkers(g, "deleted", d.deleted());
            }
            writeEntries(g, "late_objects", d.lateObjects());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeEntries(JsonGenerator g, String name, List<DigestEntry> entries) throws IOException {
        g.writeArrayFieldStart(name);
        for (DigestEntry e : entries) {
            g.writeStartObject();
            g.writeStringField("key", e.key());
            if (e.versionId() == null) {
                g.writeNullField("version_id");
            } else {
                g.writeStringField("version_id", e.versionId());
            }
            g.writeNumberField("size", e.size());
            g.writeStringField("sha256", e.sha256());
            g.writeStringField("stored_at", e.storedAt().toString());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeMarkers(JsonGenerator g, String name, List<DeleteMarker> markers) throws IOException {
        g.writeArrayFieldStart(name);
        for (DeleteMarker m : markers) {
            g.writeStartObject();
            g.writeStringField("key", m.key());
            g.writeStringField("version_id", m.versionId());
            g.writeStringField("stored_at", m.storedAt().toString());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    static byte[] signature(DigestSignature s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("algorithm", s.algorithm().name());
            g.writeStringField("key_id", s.keyId());
            g.writeStringField("signature", Base64.getEncoder().encodeToString(s.value()));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static ArchiveDigest readPayload(byte[] line) {
        try (JsonParser p = JSON.createParser(line)) {
            Reader r = new Reader(p);
            r.expect(JsonToken.START_OBJECT);
            String format = null;
            String app = null;
            String key = null;
            DigestInterval interval = null;
            Instant created = null;
            Duration grace = null;
            Duration lateWindow = null;
            DigestLink previous = null;
            boolean hasPrevious = false;
            List<DigestEntry> objects = null;
            List<DigestEntry> late = null;
            List<DigestGap> gap = null;
            List<DeleteMarker> deleted = null;
            while (r.nextMember()) {
                String name = p.currentName();
                switch (name) {
                    case "format" -> {
                        format = r.string();
                        if (!ArchiveDigest.FORMAT.equals(format) && !ArchiveDigest.FORMAT_1.equals(format)) {
                            throw new MalformedDigestException("format " + format + " is not " + ArchiveDigest.FORMAT
                                    + " or " + ArchiveDigest.FORMAT_1 + " (a newer verifier may read it)");
                        }
                    }
                    case "app" -> app = r.string();
                    case "key" -> key = r.string();
                    case "interval" -> interval = r.interval();
                    case "created" -> created = r.instant();
                    case "policy" -> {
                        r.expect(JsonToken.START_OBJECT);
                        while (r.nextMember()) {
                            switch (p.currentName()) {
                                case "grace_seconds" -> grace = Duration.ofSeconds(r.number());
                                case "late_window_seconds" -> lateWindow = Duration.ofSeconds(r.number());
                                default -> throw r.unknown("policy");
                            }
                        }
                    }
                    case "previous" -> {
                        hasPrevious = true;
                        JsonToken t = p.nextToken();
                        if (t != JsonToken.VALUE_NULL) {
                            r.require(t, JsonToken.START_OBJECT);
                            String prevKey = null;
                            String sigHash = null;
                            while (r.nextMember()) {
                                switch (p.currentName()) {
                                    case "key" -> prevKey = r.string();
                                    case "signature_sha256" -> sigHash = r.string();
                                    default -> throw r.unknown("previous");
                                }
                            }
                            previous = new DigestLink(r.required(prevKey, "previous.key"),
                                    r.required(sigHash, "previous.signature_sha256"));
                        }
                    }
                    case "gap" -> gap = r.gaps();
                    case "objects" -> objects = r.entries();
                    case "deleted" -> deleted = r.markers();
                    case "late_objects" -> late = r.entries();
                    default -> throw r.unknown("the digest");
                }
            }
            if (p.nextToken() != null) {
                throw new MalformedDigestException("text after the digest's JSON object");
            }
            r.required(format, "format");
            if (!hasPrevious) {
                throw new MalformedDigestException("member previous is missing");
            }
            if (ArchiveDigest.FORMAT_1.equals(format)) {
                if (gap != null || deleted != null) {
                    throw new MalformedDigestException(ArchiveDigest.FORMAT_1 + " has no members gap and deleted");
                }
                gap = List.of();
                deleted = List.of();
            }
            return new ArchiveDigest(format, r.required(app, "app"), r.required(key, "key"),
                    r.required(interval, "interval"), r.required(created, "created"),
                    r.required(grace, "policy.grace_seconds"), r.required(lateWindow, "policy.late_window_seconds"),
                    previous, r.required(gap, "gap"), r.required(objects, "objects"), r.required(deleted, "deleted"),
                    r.required(late, "late_objects"));
        } catch (IOException e) {
            throw new MalformedDigestException("not valid JSON: " + reason(e), e);
        } catch (IllegalArgumentException e) {
            throw new MalformedDigestException(e.getMessage(), e);
        }
    }

    static DigestSignature readSignature(byte[] line) {
        try (JsonParser p = JSON.createParser(line)) {
            Reader r = new Reader(p);
            r.expect(JsonToken.START_OBJECT);
            String algorithm = null;
            String keyId = null;
            String value = null;
            while (r.nextMember()) {
                switch (p.currentName()) {
                    case "algorithm" -> algorithm = r.string();
                    case "key_id" -> keyId = r.string();
                    case "signature" -> value = r.string();
                    default -> throw r.unknown("the signature line");
                }
            }
            if (p.nextToken() != null) {
                throw new MalformedDigestException("text after the signature's JSON object");
            }
            return new DigestSignature(SigningAlgorithm.fromKmsName(r.required(algorithm, "algorithm")),
                    r.required(keyId, "key_id"), Base64.getDecoder().decode(r.required(value, "signature")));
        } catch (IOException e) {
            throw new MalformedDigestException("signature line is not valid JSON: " + reason(e), e);
        } catch (IllegalArgumentException e) {
            throw new MalformedDigestException("signature line: " + e.getMessage(), e);
        }
    }

    private static String reason(IOException e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }

    /** Strict reading helpers over one parser. */
    private record Reader(JsonParser p) {

        void expect(JsonToken expected) throws IOException {
            require(p.nextToken(), expected);
        }

        void require(JsonToken actual, JsonToken expected) {
            if (actual != expected) {
                throw new MalformedDigestException("expected " + expected + " but found " + actual + " at "
                        + p.currentLocation().getColumnNr());
            }
        }

        /** Advances to the next member name of the current object; false at its end. */
        boolean nextMember() throws IOException {
            JsonToken t = p.nextToken();
            if (t == JsonToken.END_OBJECT) {
                return false;
            }
            require(t, JsonToken.FIELD_NAME);
            return true;
        }

        String string() throws IOException {
            require(p.nextToken(), JsonToken.VALUE_STRING);
            return p.getText();
        }

        String nullableString() throws IOException {
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            require(t, JsonToken.VALUE_STRING);
            return p.getText();
        }

        long number() throws IOException {
            require(p.nextToken(), JsonToken.VALUE_NUMBER_INT);
            return p.getLongValue();
        }

        Instant instant() throws IOException {
            String text = string();
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new MalformedDigestException("not an ISO-8601 UTC time: " + text, e);
            }
        }

        List<DigestEntry> entries() throws IOException {
            expect(JsonToken.START_ARRAY);
            List<DigestEntry> entries = new ArrayList<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                require(t, JsonToken.START_OBJECT);
                String key = null;
                String version = null;
                boolean hasVersion = false;
                Long size = null;
                String sha256 = null;
                Instant storedAt = null;
                while (nextMember()) {
                    switch (p.currentName()) {
                        case "key" -> key = string();
                        case "version_id" -> {
                            version = nullableString();
                            hasVersion = true;
                        }
                        case "size" -> size = number();
                        case "sha256" -> sha256 = string();
                        case "stored_at" -> storedAt = instant();
                        default -> throw unknown("an object entry");
                    }
                }
                if (!hasVersion) {
                    throw new MalformedDigestException("member version_id is missing in an object entry");
                }
                entries.add(new DigestEntry(required(key, "key"), version, required(size, "size"),
                        required(sha256, "sha256"), required(storedAt, "stored_at")));
            }
            return entries;
        }

        List<DeleteMarker> markers() throws IOException {
            expect(JsonToken.START_ARRAY);
            List<DeleteMarker> markers = new ArrayList<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                require(t, JsonToken.START_OBJECT);
                String key = null;
                String version = null;
                Instant storedAt = null;
                while (nextMember()) {
                    switch (p.currentName()) {
                        case "key" -> key = string();
                        case "version_id" -> version = string();
                        case "stored_at" -> storedAt = instant();
                        default -> throw unknown("a delete marker");
                    }
                }
                markers.add(new DeleteMarker(required(key, "key"), required(version, "version_id"),
                        required(storedAt, "stored_at")));
            }
            return markers;
        }

        List<DigestGap> gaps() throws IOException {
            expect(JsonToken.START_ARRAY);
            List<DigestGap> gaps = new ArrayList<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                require(t, JsonToken.START_OBJECT);
                DigestInterval interval = null;
                List<DigestEntry> versions = null;
                List<DeleteMarker> markers = null;
                while (nextMember()) {
                    switch (p.currentName()) {
                        case "interval" -> interval = interval();
                        case "versions" -> versions = entries();
                        case "delete_markers" -> markers = markers();
                        default -> throw unknown("a gap");
                    }
                }
                gaps.add(new DigestGap(required(interval, "gap.interval"), required(versions, "gap.versions"),
                        required(markers, "gap.delete_markers")));
            }
            return gaps;
        }

        DigestInterval interval() throws IOException {
            expect(JsonToken.START_OBJECT);
            Instant start = null;
            Instant end = null;
            while (nextMember()) {
                switch (p.currentName()) {
                    case "start" -> start = instant();
                    case "end" -> end = instant();
                    default -> throw unknown("interval");
                }
            }
            return new DigestInterval(required(start, "interval.start"), required(end, "interval.end"));
        }

        <T> T required(T value, String name) {
            if (value == null) {
                throw new MalformedDigestException("member " + name + " is missing");
            }
            return value;
        }

        MalformedDigestException unknown(String where) throws IOException {
            return new MalformedDigestException("unknown member " + p.currentName() + " in " + where);
        }
    }
}
