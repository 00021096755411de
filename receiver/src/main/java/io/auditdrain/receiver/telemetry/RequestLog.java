package io.auditdrain.receiver.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.function.LongSupplier;

/**
 * Writes one JSON line per request that is at once the structured request log and a CloudWatch Embedded Metric
 * Format document, so metrics cost no API call: CloudWatch extracts {@code Requests}, {@code Messages}, ... with the
 * {@code App} dimension (only for accepted requests, so unauthenticated callers cannot mint dimension values) and
 * without dimensions.
 */
public final class RequestLog {

    private static final String[][] METRICS = {
        {"Requests", "Count"}, {"Messages", "Count"}, {"BytesIn", "Bytes"}, {"BytesOut", "Bytes"},
        {"Objects", "Count"}, {"Errors", "Count"}, {"Rejected", "Count"}, {"MalformedFrames", "Count"},
        {"OverflowNotices", "Count"}, {"UndecodableBodies", "Count"}, {"CredentialReads", "Count"},
        {"Throttled", "Count"},
        {"Latency", "Milliseconds"}};

    private final JsonFactory json = new JsonFactory();
    private final PrintStream out;
    private final String namespace;
    private final LongSupplier wallClock;

    public RequestLog(PrintStream out, String namespace, LongSupplier wallClock) {
        this.out = out;
        this.namespace = namespace;
        this.wallClock = wallClock;
    }

    public void write(RequestRecord r) {
        StringWriter line = new StringWriter(512);
        try (JsonGenerator g = json.createGenerator(line)) {
            g.writeStartObject();
            writeMetricDirective(g, r.app != null);
            // An abandoned request (status 0: the body never arrived whole) lost its batch unless it is retried.
            g.writeStringField("level", r.status >= 500 || r.status == 0 ? "ERROR" : r.status >= 400 ? "WARN" : "INFO");
            g.writeStringField("event", "drain_request");
            g.writeNumberField("status", r.status);
            g.writeStringField("method", r.method);
            if (r.app != null) {
                g.writeStringField("App", r.app);
            }
            writeIfPresent(g, "attemptedApp", r.attemptedApp);
            writeIfPresent(g, "frameId", r.frameId);
            writeIfPresent(g, "drainToken", r.drainToken);
            writeIfPresent(g, "declaredMessages", r.declaredMessages);
            writeIfPresent(g, "contentEncoding", r.contentEncoding);
            writeIfPresent(g, "undecodable", r.undecodable);
            g.writeArrayFieldStart("keys");
            for (String key : r.keys) {
                g.writeString(key);
            }
            g.writeEndArray();
            if (r.alreadyStored > 0) {
                g.writeNumberField("alreadyStored", r.alreadyStored);
            }
            g.writeNumberField("durationMs", r.durationNanos / 1_000 / 1e3);
            g.writeNumberField("storeMs", r.storeNanos / 1_000 / 1e3);
            writeIfPresent(g, "reason", r.reason);
            writeIfPresent(g, "error", r.error);
            long millis = r.durationNanos / 1_000_000;
            g.writeNumberField("Requests", 1);
            g.writeNumberField("Messages", r.messages);
            g.writeNumberField("BytesIn", r.bytesIn);
            g.writeNumberField("BytesOut", r.bytesOut);
            g.writeNumberField("Objects", r.status / 100 == 2 ? r.keys.size() : 0);
            g.writeNumberField("Errors", r.status >= 500 || r.status == 0 ? 1 : 0);
            g.writeNumberField("Rejected", r.status >= 400 && r.status < 500 && r.status != 429 ? 1 : 0);
            g.writeNumberField("Throttled", r.status == 429 ? 1 : 0);
            g.writeNumberField("CredentialReads", r.credentialReads);
            g.writeNumberField("MalformedFrames", r.malformedFrames);
            g.writeNumberField("OverflowNotices", r.overflowNotices);
            g.writeNumberField("UndecodableBodies", r.undecodable != null ? 1 : 0);
            g.writeNumberField("Latency", millis);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // One println per line: lines of concurrent requests never interleave.
        out.println(line);
    }

    /**
     * The health path's line: what it answered and why, without metrics (a probe is no drain request, and the path
     * is public, so its calls must not inflate the request counts the alarms read).
     */
    public void writeHealth(RequestRecord r) {
        StringWriter line = new StringWriter(256);
        try (JsonGenerator g = json.createGenerator(line)) {
            g.writeStartObject();
            g.writeStringField("level", r.status == 200 ? "INFO" : "ERROR");
            g.writeStringField("event", "health_check");
            g.writeNumberField("status", r.status);
            g.writeStringField("method", r.method);
            g.writeNumberField("durationMs", r.durationNanos / 1_000 / 1e3);
            writeIfPresent(g, "error", r.error);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println(line);
    }

    private void writeMetricDirective(JsonGenerator g, boolean withApp) throws IOException {
        g.writeObjectFieldStart("_aws");
        g.writeNumberField("Timestamp", wallClock.getAsLong());
        g.writeArrayFieldStart("CloudWatchMetrics");
        g.writeStartObject();
        g.writeStringField("Namespace", namespace);
        g.writeArrayFieldStart("Dimensions");
        if (withApp) {
            g.writeStartArray();
            g.writeString("App");
            g.writeEndArray();
        }
        g.writeStartArray();
        g.writeEndArray();
        g.writeEndArray();
        g.writeArrayFieldStart("Metrics");
        for (String[] metric : METRICS) {
            g.writeStartObject();
            g.writeStringField("Name", metric[0]);
            g.writeStringField("Unit", metric[1]);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeIfPresent(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }
}
