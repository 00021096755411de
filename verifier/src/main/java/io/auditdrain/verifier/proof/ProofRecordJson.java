package io.auditdrain.verifier.proof;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A run record as stored: one line of JSON and a line feed, {@code "format": 1} first (docs/proof-records.md). The
 * reader is strict about what the record's meaning rests on (format, app, run id, start, results) and refuses a
 * stored {@code result} that disagrees with smoke's and doctor's, so that a hand-edited verdict is a finding rather
 * than a passed run.
 */
public final class ProofRecordJson {

    /** The content type records are stored with. */
    public static final String CONTENT_TYPE = "application/json";
    /** A record is a few kilobytes; anything far larger is not one. */
    private static final int MAX_BYTES = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProofRecordJson() {
    }

    public static byte[] write(ProofRecord r) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("format", ProofRecord.FORMAT);
        doc.put("app", r.app());
        doc.put("run_id", r.runId().toString());
        doc.put("started_at", r.startedAt().toString());
        putTime(doc, "finished_at", r.finishedAt());
        doc.put("verifier_version", r.verifierVersion());
        doc.put("result", r.result());
        ObjectNode smoke = doc.putObject("smoke");
        ProofRecord.Smoke s = r.smoke();
        smoke.put("result", s.result());
        smoke.put("tag", s.tag());
        putTime(smoke, "insert_time", s.insertTime());
        smoke.put("object_key", s.objectKey());
        putTime(smoke, "object_time", s.objectTime());
        putTime(smoke, "stored_at", s.storedAt());
        if (s.latencyMs() == null) {
            smoke.putNull("latency_ms");
        } else {
            smoke.put("latency_ms", s.latencyMs());
        }
        smoke.put("reason", s.reason());
        ObjectNode doctor = doc.putObject("doctor");
        doctor.put("result", r.doctor().result());
        ArrayNode checks = doctor.putArray("checks");
        for (ProofRecord.Check c : r.doctor().checks()) {
            ObjectNode check = checks.addObject();
            check.put("name", c.name());
            check.put("verdict", c.verdict());
            check.put("detail", c.detail());
        }
        doc.put("error", r.error());
        try {
            byte[] line = JSON.writeValueAsBytes(doc);
            byte[] stored = new byte[line.length + 1];
            System.arraycopy(line, 0, stored, 0, line.length);
            stored[line.length] = '\n';
            return stored;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a stored record; throws {@link MalformedProofRecordException} naming what is wrong. */
    public static ProofRecord parse(byte[] stored) {
        if (stored.length > MAX_BYTES) {
            throw new MalformedProofRecordException("too large for a run record (" + stored.length + " bytes)");
        }
        JsonNode doc;
        try {
            doc = JSON.readTree(stored);
        } catch (IOException e) {
            throw new MalformedProofRecordException("not JSON: " + firstLine(e.getMessage()));
        }
        if (doc == null || !doc.isObject()) {
            throw new MalformedProofRecordException("not a JSON object");
        }
        JsonNode format = doc.get("format");
        if (format == null || !format.isInt()) {
            throw new MalformedProofRecordException("no \"format\"");
        }
        if (format.asInt() != ProofRecord.FORMAT) {
            throw new MalformedProofRecordException("format " + format.asInt() + ": this verifier reads format "
                    + ProofRecord.FORMAT);
        }
        try {
            JsonNode smokeNode = object(doc, "smoke");
            ProofRecord.Smoke smoke = new ProofRecord.Smoke(text(smokeNode, "result", true),
                    text(smokeNode, "tag", false), time(smokeNode, "insert_time", false),
                    text(smokeNode, "object_key", false), time(smokeNode, "object_time", false),
                    time(smokeNode, "stored_at", false), number(smokeNode, "latency_ms"),
                    text(smokeNode, "reason", false));
            JsonNode doctorNode = object(doc, "doctor");
            List<ProofRecord.Check> checks = new ArrayList<>();
            JsonNode list = doctorNode.get("checks");
            if (list != null && !list.isNull()) {
                if (!list.isArray()) {
                    throw new MalformedProofRecordException("doctor.checks is not a list");
                }
                for (JsonNode c : list) {
                    checks.add(new ProofRecord.Check(text(c, "name", true), text(c, "verdict", true),
                            text(c, "detail", false)));
                }
            }
            ProofRecord.Doctor doctor = new ProofRecord.Doctor(text(doctorNode, "result", true), checks);
            UUID runId;
            try {
                runId = UUID.fromString(text(doc, "run_id", true));
            } catch (IllegalArgumentException e) {
                throw new MalformedProofRecordException("run_id is not a UUID");
            }
            ProofRecord record = new ProofRecord(text(doc, "app", true), runId, time(doc, "started_at", true),
                    time(doc, "finished_at", false), text(doc, "verifier_version", false), smoke, doctor,
                    text(doc, "error", false));
            String stated = text(doc, "result", true);
            if (!stated.equals(record.result())) {
                throw new MalformedProofRecordException("it states result " + stated + " but smoke was "
                        + smoke.result() + " and doctor " + doctor.result());
            }
            return record;
        } catch (MalformedProofRecordException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new MalformedProofRecordException(e.getMessage(), e);
        }
    }

    private static void putTime(ObjectNode node, String field, Instant t) {
        if (t == null) {
            node.putNull(field);
        } else {
            node.put(field, t.toString());
        }
    }

    private static JsonNode object(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isObject()) {
            throw new MalformedProofRecordException("no \"" + field + "\" object");
        }
        return node;
    }

    private static String text(JsonNode parent, String field, boolean required) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new MalformedProofRecordException("no \"" + field + "\"");
            }
            return null;
        }
        if (!node.isTextual()) {
            throw new MalformedProofRecordException("\"" + field + "\" is not a string");
        }
        return node.asText();
    }

    private static Instant time(JsonNode parent, String field, boolean required) {
        String value = text(parent, field, required);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new MalformedProofRecordException("\"" + field + "\" is not a UTC time: " + value);
        }
    }

    private static Long number(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.canConvertToExactIntegral() || node.asLong() < 0) {
            throw new MalformedProofRecordException("\"" + field + "\" is not a whole number of milliseconds");
        }
        return node.asLong();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int lf = message.indexOf('\n');
        return lf < 0 ? message : message.substring(0, lf);
    }
}
