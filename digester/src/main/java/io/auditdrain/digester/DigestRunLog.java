package io.auditdrain.digester;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;

/** One JSON line per run: what was written for each app, and any app whose run failed (level ERROR). */
public final class DigestRunLog {

    private static final JsonFactory JSON = new JsonFactory();

    private DigestRunLog() {
    }

    public static String line(ArchiveDigester.Run run, Duration took) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("level", run.failed() ? "ERROR" : "INFO");
            g.writeStringField("event", "digest_run");
            g.writeStringField("started", run.started().toString());
            g.writeNumberField("durationMs", took.toMillis());
            g.writeNumberField("digestsWritten", run.apps().stream().mapToInt(a -> a.written().size()).sum());
            g.writeArrayFieldStart("apps");
            for (ArchiveDigester.AppRun a : run.apps()) {
                g.writeStartObject();
                g.writeStringField("app", a.app());
                g.writeArrayFieldStart("written");
                for (String key : a.written()) {
                    g.writeString(key);
                }
                g.writeEndArray();
                g.writeNumberField("objects", a.objects());
                g.writeNumberField("lateObjects", a.lateObjects());
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
                g.writeArrayFieldStart("skippedNames");
                for (String name : run.skippedNames()) {
                    g.writeString(name);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
