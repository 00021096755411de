package io.auditdrain.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.auditdrain.core.Frame;
import io.auditdrain.core.LogplexFrameReader;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What resynchronising costs: the frame reader against the count-trusting reader it replaced, in the same run, over
 * 100 KB of realistic traffic in three shapes: counts that include the LF (what Logplex sends), the same frames glued
 * without LF (every frame start is then checked against its count), and every 20th count three bytes too long.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class FrameReaderBenchmark {

    @Param({"lf", "glued", "damaged"})
    public String shape;

    private byte[] body;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] traffic = RealisticTraffic.body(102_400, 42);
        List<Frame> frames = LogplexFrameReader.read(traffic);
        ByteArrayOutputStream out = new ByteArrayOutputStream(traffic.length + 1024);
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            int count = switch (shape) {
                case "lf" -> f.length() + 1;
                case "glued" -> f.length();
                case "damaged" -> f.length() + 1 + (i % 20 == 19 ? 3 : 0);
                default -> throw new IllegalArgumentException("shape " + shape);
            };
            out.writeBytes((count + " ").getBytes(UTF_8));
            out.write(traffic, f.offset(), f.length());
            if (!shape.equals("glued")) {
                out.write('\n');
            }
        }
        body = out.toByteArray();
    }

    @Benchmark
    public int resynchronising() {
        return LogplexFrameReader.read(body).size();
    }

    @Benchmark
    public int countTrusting() {
        return CountTrustingFrameReader.read(body).size();
    }
}
