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
 * Turns one drain body into the objects to store, each encoded one message per line and gzipped.
 *
 * <p><b>Retries map to the same keys.</b> Logplex retries a batch (same Frame-Id) when it got no 2xx in time, and
 * the first attempt may have been stored all the same; a retry may also carry one more frame in front, an
 * {@code L10} overflow notice for lines dropped meanwhile. So "the same batch" is: the same app, Frame-Id and drain
 * token (each when sent), and the same frames after any leading Logplex {@code L10} notices. Every part of a key
 * derives from those alone, never from the arrival time:
 * <ul>
 *   <li>Leading {@code L10} notices go to objects of their own, keyed by their own content: a notice first seen on a
 *       retry is stored, and the batch beside it is answered from the object the first attempt stored.</li>
 *   <li>Frames are grouped by the UTC day of their timestamps. A frame whose timestamp does not parse joins the
 *       group of the newest timestamp of its part (notices or batch); a part with no timestamp at all is keyed at
 *       epoch 0 ({@code logs/<app>/1970/01/01/0000000000000-<uuid>.gz}), where a retry finds it again.</li>
 *   <li>A group's key time is its newest timestamp: every message stamped at or after {@code T} is in an object
 *       keyed at or after {@code T}, so a reader lists only keys after {@code T} minus a margin (the oldest
 *       timestamp would break that for lines that waited in Logplex's buffer). Undated messages carry no stamp, so
 *       epoch 0 breaks no such promise.</li>
 *   <li>The UUID is name-based over the app, the day, the Frame-Id, the drain token and two checksums of the
 *       group's encoded content.</li>
 * </ul>
 *
 * <p>Holds reusable buffers and a native deflater: one instance per thread, closed when done.
 */
public final class BatchEncoder implements AutoCloseable {

    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** A frame whose timestamp does not parse (or falls outside the key's 13 digits). */
    private static final long UNDATED = -1;
    /** Where a part with no dated frame is keyed. */
    private static final long UNDATED_KEY_MILLIS = 0;
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

    /**
     * Facts about the request that go into keys and metadata.
     *
     * @param frameId the raw Logplex-Frame-Id header or null; only a plausible one reaches metadata
     * @param drainToken the raw Logplex-Drain-Token header or null; likewise
     */
    public record BatchContext(String app, String frameId, String drainToken) {
    }

    public EncodedBatch encode(byte[] body, BatchContext context) {
        List<Frame> frames = LogplexFrameReader.read(body);
        int n = frames.size();
        if (n == 0) {
            return new EncodedBatch(List.of(), 0, 0, 0, 0);
        }
        long[] stamps = new long[n];
        int notices = 0;
        for (int i = 0; i < n; i++) {
            Frame f = frames.get(i);
            long t = SyslogTimestamp.ofMessage(body, f.offset(), f.length());
            stamps[i] = t >= 0 && t <= ObjectKeyLayout.MAX_EPOCH_MILLIS ? t : UNDATED;
            if (notices == i && isOverflowNotice(body, f.offset(), f.length())) {
                notices++;
            }
        }
        Part part = new Part(body, frames, stamps, context);
        List<DrainObject> objects = new ArrayList<>(2);
        GroupStats totals = new GroupStats();
        part.encode(0, notices, objects, totals);
        part.encode(notices, n, objects, totals);
        long bytesOut = 0;
        for (DrainObject o : objects) {
            bytesOut += o.gzip().length;
        }
        return new EncodedBatch(objects, n, totals.malformed, totals.overflow, bytesOut);
    }

    private static final class GroupStats {
        int malformed;
        int overflow;
    }

    /** The frames of one request, encoded a part at a time (the leading notices, then the batch). */
    private final class Part {
        private final byte[] body;
        private final List<Frame> frames;
        private final long[] stamps;
        private final BatchContext context;
        private long undatedDay;

        Part(byte[] body, List<Frame> frames, long[] stamps, BatchContext context) {
            this.body = body;
            this.frames = frames;
            this.stamps = stamps;
            this.context = context;
        }

        /** Encodes frames {@code [from, to)}: one object per UTC day, in the order the days first appear. */
        void encode(int from, int to, List<DrainObject> out, GroupStats totals) {
            if (from == to) {
                return;
            }
            long newest = UNDATED;
            for (int i = from; i < to; i++) {
                newest = Math.max(newest, stamps[i]);
            }
            undatedDay = Math.floorDiv(newest == UNDATED ? UNDATED_KEY_MILLIS : newest, MILLIS_PER_DAY);
            List<Long> days = new ArrayList<>(2);
            for (int i = from; i < to; i++) {
                Long day = day(i);
                if (!days.contains(day)) {
                    days.add(day);
                }
            }
            for (long day : days) {
                encodeGroup(from, to, day, days.size() == 1, out, totals);
            }
        }

        private long day(int i) {
            return stamps[i] == UNDATED ? undatedDay : Math.floorDiv(stamps[i], MILLIS_PER_DAY);
        }

        private void encodeGroup(int from, int to, long day, boolean all, List<DrainObject> out, GroupStats totals) {
            content.reset();
            long newest = UNDATED;
            int count = 0;
            int malformed = 0;
            for (int i = from; i < to; i++) {
                if (!all && day(i) != day) {
                    continue;
                }
                Frame f = frames.get(i);
                LineCodec.encode(body, f.offset(), f.length(), content);
                count++;
                newest = Math.max(newest, stamps[i]);
                if (f.malformed()) {
                    malformed++;
                }
                if (isOverflowNotice(body, f.offset(), f.length())) {
                    totals.overflow++;
                }
            }
            totals.malformed += malformed;
            long keyMillis = newest == UNDATED ? UNDATED_KEY_MILLIS : newest;
            compressed.reset();
            long crc32 = gzip.encode(content.array(), 0, content.size(), compressed);
            UUID id = contentId(context, day, content, crc32);
            out.add(new DrainObject(new ObjectKey(context.app(), keyMillis, id), compressed.toByteArray(), count,
                    malformed, plausibleFrameId(context.frameId()), plausibleDrainToken(context.drainToken())));
        }
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
