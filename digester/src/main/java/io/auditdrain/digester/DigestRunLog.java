package io.auditdrain.digester;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/**
 * One JSON line per run: what was written for each app, any digest key found tampered with, and any app whose run
 * failed. The line is also a CloudWatch Embedded Metric Format document (no API call): {@code DigestsWritten},
 * {@code LateObjects} and {@code TamperedDigests}, the last one for an alarm. Level ERROR when a run failed or found
 * tampering (an operator must act), INFO otherwise.
 */
public final class DigestRunLog {

    private static final JsonFactory JSON = new JsonFactory();
    /** The metrics, with their CloudWatch units. */
    static final List<String> METRICS = List.of("DigestsWritten", "LateObjects", "TamperedDigests");

    private DigestRunLog() {
    }

    public static String line(ArchiveDigester.Run run, Duration took, String namespace) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("level", run.failed() || run.tamperedDigests() > 0 ? "ERROR" : "INFO");
            g.writeStringField("event", "digest_run");
            g.writeStringField("started", run.started().toString());
            g.writeNumberField("durationMs", took.toMillis());
            g.writeNumberField("DigestsWritten", run.apps().stream().mapToInt(a -> a.written().size()).sum());
            g.writeNumberField("LateObjects", run.apps().stream().mapToInt(ArchiveDigester.AppRun::lateObjects).sum());
            g.writeNumberField("TamperedDigests", run.tamperedDigests());
            g.writeArrayFieldStart("apps");
            for (ArchiveDigester.AppRun a : run.apps()) {
                g.writeStartObject();
                g.writeStringField("app", a.app());
                writeStrings(g, "written", a.written());
                g.writeNumberField("objects", a.objects());
                g.writeNumberField("lateObjects", a.lateObjects());
                if (!a.tampered().isEmpty()) {
                    writeStrings(g, "tampered", a.tampered());
                }
                if (!a.gap().isEmpty()) {
                    writeStrings(g, "linkedOver", a.gap());
                }
                if (a.behind()) {
                    g.writeBooleanField("behind", true);
                }
                if (a.error() != null) {
                    g.writeStringField("error", a.error());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            if (!run.skippedNames().isEmpty()) {
                writeStrings(g, "skippedNames", run.skippedNames());
            }
            g.writeObjectFieldStart("_aws");
            g.writeNumberField("Timestamp", run.started().toEpochMilli());
            g.writeArrayFieldStart("CloudWatchMetrics");
            g.writeStartObject();
            g.writeStringField("Namespace", namespace);
            g.writeArrayFieldStart("Dimensions");
            g.writeStartArray();
            g.writeEndArray();
            g.writeEndArray();
            g.writeArrayFieldStart("Metrics");
            for (String metric : METRICS) {
                g.writeStartObject();
                g.writeStringField("Name", metric);
                g.writeStringField("Unit", "Count");
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeStrings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
