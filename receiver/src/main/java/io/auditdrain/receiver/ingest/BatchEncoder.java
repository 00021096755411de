package io.auditdrain.receiver.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.auditdrain.core.ByteSink;
import io.auditdrain.core.Frame;
import io.auditdrain.core.GzipEncoder;
import io.auditdrain.core.LineCodec;
import io.auditdrain.core.LogplexFrameReader;
import io.auditdrain.core.ObjectKey;
import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.core.SyslogTimestamp;
import io.auditdrain.receiver.store.DrainObject;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Turns one drain body into the objects to store: frames grouped by the UTC day of their timestamps (arrival time for
 * a frame whose timestamp does not parse), each group encoded one message per line and gzipped.
 *
 * <p>The key of a group is derived from its content, so that a retry of the same batch (same bytes) produces the same
 * key, with or without a Frame-Id: its time is the newest parsed timestamp of the group (what lets a reader list only
 * keys after a moment; the oldest would break that for lines that waited in Logplex's buffer), and its UUID is a
 * name-based one over the app, the day, the Frame-Id, the drain token and two checksums of the content.
 *
 * <p>Holds reusable buffers and a native deflater: one instance per thread, closed when done.
 */
public final class BatchEncoder implements AutoCloseable {

    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** APP-NAME, PROCID, MSGID and the start of MSG of Logplex's own overflow notice. */
    private static final byte[] OVERFLOW_NOTICE = "heroku logplex - Error L10".getBytes(UTF_8);

    /** Any level will do for warming the code path before a SnapStart snapshot. */
    public static final int PRIMING_LEVEL = 6;

    private static final Pattern FRAME_ID = Pattern.compile("[0-9A-Za-z]{1,64}");
    private static final Pattern DRAIN_TOKEN = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final GzipEncoder gzip;
    private final ByteSink content = new ByteSink(256 * 1024);
    private final ByteSink compressed = new ByteSink(64 * 1024);

    public BatchEncoder(int gzipLevel) {
        this.gzip = new GzipEncoder(gzipLevel);
    }

    /** Facts about the request that go into keys and metadata. */
    public record BatchContext(String app, String frameId, String drainToken, long arrivalMillis) {
    }

    /**
     * @param frameId the raw Logplex-Frame-Id header or null; only a plausible one reaches metadata
     * @param drainToken the raw Logplex-Drain-Token header or null; likewise
     */
    public EncodedBatch encode(byte[] body, BatchContext context) {
        List<Frame> frames = LogplexFrameReader.read(body);
        int n = frames.size();
        if (n == 0) {
            return new EncodedBatch(List.of(), 0, 0, 0, 0);
        }
        long[] stamps = new long[n];
        boolean[] parsed = new boolean[n];
        long firstDay = Long.MIN_VALUE;
        boolean singleDay = true;
        for (int i = 0; i < n; i++) {
            Frame f = frames.get(i);
            long t = SyslogTimestamp.ofMessage(body, f.offset(), f.length());
            parsed[i] = t >= 0 && t <= ObjectKeyLayout.MAX_EPOCH_MILLIS;
            stamps[i] = parsed[i] ? t : context.arrivalMillis();
            long day = Math.floorDiv(stamps[i], MILLIS_PER_DAY);
            if (i == 0) {
                firstDay = day;
            } else if (day != firstDay) {
                singleDay = false;
            }
        }
        List<DrainObject> objects = new ArrayList<>(singleDay ? 1 : 2);
        int malformed = 0;
        int overflow = 0;
        if (singleDay) {
            GroupStats stats = encodeGroup(body, frames, stamps, parsed, firstDay, context, objects, true);
            malformed = stats.malformed;
            overflow = stats.overflow;
        } else {
            List<Long> days = new ArrayList<>();
            for (long stamp : stamps) {
                long day = Math.floorDiv(stamp, MILLIS_PER_DAY);
                if (!days.contains(day)) {
                    days.add(day);
                }
            }
            for (long day : days) {
                GroupStats stats = encodeGroup(body, frames, stamps, parsed, day, context, objects, false);
                malformed += stats.malformed;
                overflow += stats.overflow;
            }
        }
        long bytesOut = 0;
        for (DrainObject o : objects) {
            bytesOut += o.gzip().length;
        }
        return new EncodedBatch(objects, n, malformed, overflow, bytesOut);
    }

    private static final class GroupStats {
        int malformed;
        int overflow;
    }

    private GroupStats encodeGroup(byte[] body, List<Frame> frames, long[] stamps, boolean[] parsed, long day,
                                   BatchContext context, List<DrainObject> out, boolean all) {
        GroupStats stats = new GroupStats();
        content.reset();
        long newestParsed = Long.MIN_VALUE;
        int count = 0;
        for (int i = 0; i < frames.size(); i++) {
            if (!all && Math.floorDiv(stamps[i], MILLIS_PER_DAY) != day) {
                continue;
            }
            Frame f = frames.get(i);
            LineCodec.encode(body, f.offset(), f.length(), content);
            count++;
            if (parsed[i] && stamps[i] > newestParsed) {
                newestParsed = stamps[i];
            }
            if (f.malformed()) {
                stats.malformed++;
            }
            if (isOverflowNotice(body, f.offset(), f.length())) {
                stats.overflow++;
            }
        }
        long keyMillis = newestParsed != Long.MIN_VALUE ? newestParsed : context.arrivalMillis();
        compressed.reset();
        long crc32 = gzip.encode(content.array(), 0, content.size(), compressed);
        UUID id = contentId(context, day, content, crc32);
        out.add(new DrainObject(new ObjectKey(context.app(), keyMillis, id), compressed.toByteArray(), count,
                stats.malformed, plausibleFrameId(context.frameId()), plausibleDrainToken(context.drainToken())));
        return stats;
    }

    /** @param crc32 the content's CRC-32, which gzip computes anyway; CRC-32C makes the second 32 bits */
    private static UUID contentId(BatchContext context, long day, ByteSink content, long crc32) {
        CRC32C crc32c = new CRC32C();
        crc32c.update(content.array(), 0, content.size());
        String name = "auditdrain/1\n" + context.app() + '\n' + day + '\n' + nullToEmpty(context.frameId()) + '\n'
                + nullToEmpty(context.drainToken()) + '\n' + content.size();
        byte[] nameBytes = name.getBytes(UTF_8);
        ByteBuffer seed = ByteBuffer.allocate(nameBytes.length + 16);
        seed.put(nameBytes).putLong(crc32c.getValue()).putLong(crc32);
        return UUID.nameUUIDFromBytes(seed.array());
    }

    /**
     * Logplex's overflow notice: {@code <PRI>1 TIMESTAMP host heroku logplex - Error L10 (output buffer overflow)...}.
     * Skips the first three fields by their spaces and compares the rest in place, so ordinary lines cost a few dozen
     * byte reads.
     */
    static boolean isOverflowNotice(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        for (int spaces = 0; spaces < 3; i++) {
            if (i >= end) {
                return false;
            }
            if (b[i] == ' ') {
                spaces++;
            }
        }
        if (end - i < OVERFLOW_NOTICE.length) {
            return false;
        }
        for (int j = 0; j < OVERFLOW_NOTICE.length; j++) {
            if (b[i + j] != OVERFLOW_NOTICE[j]) {
                return false;
            }
        }
        return true;
    }

    /** Logplex sends 32 hex characters; anything else stays out of object metadata (it still varies the key). */
    static String plausibleFrameId(String frameId) {
        return frameId != null && FRAME_ID.matcher(frameId).matches() ? frameId : null;
    }

    /** Logplex sends {@code d.<uuid>}; anything else stays out of object metadata. */
    static String plausibleDrainToken(String token) {
        return token != null && DRAIN_TOKEN.matcher(token).matches() ? token : null;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void close() {
        gzip.close();
    }
}
