package io.auditdrain.bench;

import io.auditdrain.core.ByteSink;
import io.auditdrain.core.GzipEncoder;
import io.auditdrain.core.LineCodec;
import io.auditdrain.core.LogplexFrameReader;
import io.auditdrain.receiver.ingest.BatchEncoder;
import io.auditdrain.receiver.ingest.EncodedBatch;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The receiver's ingest path (frame reading, day grouping, line encoding, gzip) against its practical limit: the
 * JDK's raw {@link Deflater} at the same level over the same body bytes, measured in the same run. The ratio of
 * the two throughputs is the figure that matters on a shared, noisy machine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class IngestBenchmark {

    /** 100 KB is about the largest batch Logplex sends; 200 B is a single-message request. */
    @Param({"102400", "200"})
    public int bodyBytes;

    @Param({"6"})
    public int level;

    private byte[] body;
    private BatchEncoder encoder;
    private Deflater deflater;
    private byte[] deflateOut;
    private ByteSink lines;
    private BatchEncoder.BatchContext context;
    private ByteSink encodedLines;
    private GzipEncoder gzip;
    private ByteSink gzipOut;

    @Setup(Level.Trial)
    public void setUp() {
        body = RealisticTraffic.body(bodyBytes, 42);
        encoder = new BatchEncoder(level);
        deflater = new Deflater(level, true);
        deflateOut = new byte[body.length + 1024];
        lines = new ByteSink(body.length + 1024);
        encodedLines = new ByteSink(body.length);
        for (io.auditdrain.core.Frame f : LogplexFrameReader.read(body)) {
            LineCodec.encode(body, f.offset(), f.length(), encodedLines);
        }
        gzip = new GzipEncoder(level);
        gzipOut = new ByteSink(body.length);
        context = new BatchEncoder.BatchContext("bench-app", "09C557EAFCFB6CF2740EE62F62971098",
                "d.fc6b856b-3332-4546-93de-7d0ee272c3bd");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encoder.close();
        deflater.end();
        gzip.close();
    }

    /** Our whole ingest path, up to the bytes handed to the store. */
    @Benchmark
    public EncodedBatch ingest() {
        return encoder.encode(body, context);
    }

    /** The limit: raw DEFLATE of the same bytes at the same level, nothing else. */
    @Benchmark
    public int deflateOnly() {
        deflater.reset();
        deflater.setInput(body);
        deflater.finish();
        int n = 0;
        while (!deflater.finished()) {
            n += deflater.deflate(deflateOut, n, deflateOut.length - n);
        }
        return n;
    }

    /** The gzip step alone, over the lines the ingest path compresses (framing removed, escaping applied). */
    @Benchmark
    public int gzipOnly() {
        gzipOut.reset();
        gzip.encode(encodedLines.array(), 0, encodedLines.size(), gzipOut);
        return gzipOut.size();
    }

    /** Where the rest goes: frame reading alone. */
    @Benchmark
    public int frameOnly() {
        return LogplexFrameReader.read(body).size();
    }

    /** Frame reading plus line encoding, without gzip. */
    @Benchmark
    public void frameAndEncode(Blackhole bh) {
        lines.reset();
        List<io.auditdrain.core.Frame> frames = LogplexFrameReader.read(body);
        for (io.auditdrain.core.Frame f : frames) {
            LineCodec.encode(body, f.offset(), f.length(), lines);
        }
        bh.consume(lines.size());
    }

    /** The same, with the byte-at-a-time line encoder this project started with (the "before"). */
    @Benchmark
    public void frameAndEncodeByteAtATime(Blackhole bh) {
        lines.reset();
        List<io.auditdrain.core.Frame> frames = LogplexFrameReader.read(body);
        for (io.auditdrain.core.Frame f : frames) {
            ByteAtATimeLineEncoder.encode(body, f.offset(), f.length(), lines);
        }
        bh.consume(lines.size());
    }
}
