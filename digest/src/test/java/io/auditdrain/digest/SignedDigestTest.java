package io.auditdrain.digest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignedDigestTest {

    static final Duration HOUR = Duration.ofHours(1);
    private final JdkSigner signer = JdkSigner.p256();

    static ArchiveDigest digest(String start, DigestLink previous, List<DigestEntry> objects) {
        return digest(start, previous, List.of(), objects);
    }

    static ArchiveDigest digest(String start, DigestLink previous, List<DigestGap> gap, List<DigestEntry> objects) {
        DigestInterval interval = DigestInterval.containing(Instant.parse(start), HOUR);
        return new ArchiveDigest("acme-api", DigestLayout.key("acme-api", interval.start()), interval,
                interval.end().plus(Duration.ofMinutes(10)), Duration.ofMinutes(10), Duration.ofHours(24), previous,
                gap, objects, List.of(), List.of());
    }

    /** A digest of the first format, as the digester wrote them before version histories. */
    static ArchiveDigest firstFormat(String start, DigestLink previous, List<DigestEntry> objects) {
        DigestInterval interval = DigestInterval.containing(Instant.parse(start), HOUR);
        return new ArchiveDigest(ArchiveDigest.FORMAT_1, "acme-api", DigestLayout.key("acme-api", interval.start()),
                interval, interval.end().plus(Duration.ofMinutes(10)), Duration.ofMinutes(10), Duration.ofHours(24),
                previous, List.of(), objects, List.of(), List.of());
    }

    static DigestEntry entry(String key, String content) {
        return new DigestEntry(key, "v-" + content.length(), content.length(), Sha256.hex(content.getBytes(UTF_8)),
                Instant.parse("2026-03-14T13:05:01Z"));
    }

    @Test
    void a_digest_reads_back_as_written() {
        ArchiveDigest d = digest("2026-03-14T13:00:00Z", null, List.of(
                entry("logs/acme-api/2026/03/14/1773493200123-0b1e6f3e-5c57-4bd3-9b58-3f0d5ac2a1f0.gz", "one"),
                new DigestEntry("logs/acme-api/2026/03/14/1773493300000-1b1e6f3e-5c57-4bd3-9b58-3f0d5ac2a1f0.gz", null,
                        3, Sha256.hex("two".getBytes(UTF_8)), Instant.parse("2026-03-14T13:05:02.5Z"))));
        SignedDigest signed = SignedDigest.sign(d, signer);
        SignedDigest read = SignedDigest.parse(signed.toBytes());
        assertEquals(d, read.digest());
        assertEquals(signed, read);
        assertNull(read.digest().objects().get(1).versionId());
        assertTrue(verifier().signatureValid(read));
    }

    @Test
    void the_first_line_is_hashed_exactly_as_stored_and_the_signed_message_names_that_hash() {
        SignedDigest signed = SignedDigest.sign(digest("2026-03-14T13:00:00Z", null, List.of()), signer);
        String stored = new String(signed.toBytes(), UTF_8);
        String[] lines = stored.split("\n");
        assertEquals(2, lines.length);
        assertTrue(stored.endsWith("\n"));
        String hash = Sha256.hex(lines[0].getBytes(UTF_8));
        assertEquals(hash, signed.payloadSha256());
        assertArrayEquals(("auditdrain-digest/2\n" + hash).getBytes(UTF_8), SignedDigest.signedMessage(
                "auditdrain-digest/2", lines[0].getBytes(UTF_8)));
        assertTrue(lines[0].startsWith("{\"format\":\"auditdrain-digest/2\",\"app\":\"acme-api\","
                + "\"key\":\"digests/acme-api/2026/03/14/1300.jsonl\",\"interval\":{\"start\":\"2026-03-14T13:00:00Z\","
                + "\"end\":\"2026-03-14T14:00:00Z\"},\"created\":\"2026-03-14T14:10:00Z\",\"policy\":{"
                + "\"grace_seconds\":600,\"late_window_seconds\":86400},\"previous\":null,\"gap\":[],\"objects\":[],"
                + "\"deleted\":[],\"late_objects\":[]}"), lines[0]);
        assertTrue(lines[1].startsWith("{\"algorithm\":\"ECDSA_SHA_256\",\"key_id\":\"test-key-p256\",\"signature\":\""));
    }

    @Test
    void deleted_versions_delete_markers_and_a_gap_read_back_as_written() {
        String key = "logs/acme-api/2026/03/14/1773493200123-0b1e6f3e-5c57-4bd3-9b58-3f0d5ac2a1f0.gz";
        DigestInterval skipped = DigestInterval.containing(Instant.parse("2026-03-14T12:00:00Z"), HOUR);
        DigestGap gap = new DigestGap(skipped, List.of(entry("digests/acme-api/2026/03/14/1200.jsonl", "digest")),
                List.of(new DeleteMarker("digests/acme-api/2026/03/14/1200.jsonl", "dm-1",
                        Instant.parse("2026-03-14T13:20:00Z"))));
        DigestInterval interval = DigestInterval.containing(Instant.parse("2026-03-14T13:00:00Z"), HOUR);
        ArchiveDigest d = new ArchiveDigest("acme-api", DigestLayout.key("acme-api", interval.start()), interval,
                interval.end().plus(Duration.ofMinutes(10)), Duration.ofMinutes(10), Duration.ofHours(24),
                new DigestLink("digests/acme-api/2026/03/14/1100.jsonl", Sha256.hex(new byte[] {1})), List.of(gap),
                List.of(entry(key, "one")), List.of(new DeleteMarker(key, "dm-2", Instant.parse("2026-03-14T13:30:00Z"))),
                List.of());
        SignedDigest read = SignedDigest.parse(SignedDigest.sign(d, signer).toBytes());
        assertEquals(d, read.digest());
        assertTrue(verifier().signatureValid(read));
    }

    @Test
    void a_digest_of_the_first_format_is_still_read_and_verified() {
        // The bytes the first digester wrote: no gap, no deleted, and format 1 in the signed message.
        ArchiveDigest d = firstFormat("2026-03-14T13:00:00Z", null, List.of(
                entry("logs/acme-api/2026/03/14/1773493200123-0b1e6f3e-5c57-4bd3-9b58-3f0d5ac2a1f0.gz", "one")));
        SignedDigest signed = SignedDigest.sign(d, signer);
        String payload = new String(signed.payload(), UTF_8);
        assertTrue(payload.startsWith("{\"format\":\"auditdrain-digest/1\""), payload);
        assertTrue(payload.endsWith("\"previous\":null,\"objects\":[{\"key\":\"logs/acme-api/2026/03/14/"
                + "1773493200123-0b1e6f3e-5c57-4bd3-9b58-3f0d5ac2a1f0.gz\",\"version_id\":\"v-3\",\"size\":3,\"sha256\":\""
                + Sha256.hex("one".getBytes(UTF_8)) + "\",\"stored_at\":\"2026-03-14T13:05:01Z\"}],\"late_objects\":[]}"),
                payload);
        SignedDigest read = SignedDigest.parse(signed.toBytes());
        assertEquals(d, read.digest());
        assertTrue(verifier().signatureValid(read));
        // The same payload signed as if it were the current format does not verify: the format is signed too.
        SignedDigest misnamed = new SignedDigest(read.digest(), read.payload(), signer.sign(
                SignedDigest.signedMessage(ArchiveDigest.FORMAT, read.payload())));
        assertFalse(verifier().signatureValid(misnamed));
    }

    @Test
    void a_changed_byte_in_the_payload_fails_the_signature() {
        ArchiveDigest d = digest("2026-03-14T13:00:00Z", null, List.of(
                entry("logs/acme-api/2026/03/14/1773493200123-0b1e6f3e-5c57-4bd3-9b58-3f0d5ac2a1f0.gz", "one")));
        String stored = new String(SignedDigest.sign(d, signer).toBytes(), UTF_8);
        String tampered = stored.replace("\"size\":3", "\"size\":4");
        assertFalse(verifier().signatureValid(SignedDigest.parse(tampered.getBytes(UTF_8))));
        // Even a change that means the same JSON (a space) is a change: the bytes are what is signed.
        String spaced = stored.replaceFirst("\\{\"format\"", "{ \"format\"");
        assertFalse(verifier().signatureValid(SignedDigest.parse(spaced.getBytes(UTF_8))));
    }

    @Test
    void another_key_does_not_verify_a_digest() {
        SignedDigest signed = SignedDigest.sign(digest("2026-03-14T13:00:00Z", null, List.of()), signer);
        DigestVerifier other = new DigestVerifier(List.of(JdkSigner.p256().keys().getPublic(),
                JdkSigner.rsa(SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256).keys().getPublic()));
        assertFalse(other.signatureValid(signed));
    }

    @Test
    void rsa_signatures_verify_with_both_paddings() {
        for (SigningAlgorithm a : new SigningAlgorithm[] {SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256,
                SigningAlgorithm.RSASSA_PSS_SHA_256}) {
            JdkSigner rsa = JdkSigner.rsa(a);
            SignedDigest signed = SignedDigest.parse(SignedDigest.sign(digest("2026-03-14T13:00:00Z", null,
                    List.of()), rsa).toBytes());
            assertEquals(a, signed.signature().algorithm());
            assertTrue(new DigestVerifier(List.of(signer.keys().getPublic(), rsa.keys().getPublic()))
                    .signatureValid(signed), a.name());
        }
    }

    @Test
    void stored_bytes_of_another_shape_are_refused_with_the_reason() {
        byte[] good = SignedDigest.sign(digest("2026-03-14T13:00:00Z", null, List.of()), signer).toBytes();
        String text = new String(good, UTF_8);
        String payload = text.substring(0, text.indexOf('\n'));
        String signature = text.substring(text.indexOf('\n') + 1);
        assertRefused(payload, "two lines");
        assertRefused(text + "{}\n", "exactly two lines");
        assertRefused(payload.replace("auditdrain-digest/2", "auditdrain-digest/3") + "\n" + signature, "format");
        assertRefused(payload.replace("\"gap\":[],", "") + "\n" + signature, "gap is missing");
        assertRefused(payload.replace("auditdrain-digest/2", "auditdrain-digest/1") + "\n" + signature,
                "has no members gap and deleted");
        assertRefused(payload.replace("\"late_objects\":[]}", "\"late_objects\":[],\"extra\":1}") + "\n" + signature,
                "unknown member extra");
        assertRefused(payload.replace("\"previous\":null,", "") + "\n" + signature, "previous is missing");
        assertRefused(payload.replace("\"key\":\"digests/acme-api/2026/03/14/1300.jsonl\"",
                "\"key\":\"digests/acme-api/2026/03/14/1400.jsonl\"") + "\n" + signature, "is not the key");
        assertRefused(payload + "\n" + signature.replace("ECDSA_SHA_256", "ECDSA_SHA_999"), "unsupported signing");
        assertRefused(payload + "\n" + "not json\n", "signature line");
    }

    @Test
    void the_signature_line_holds_the_signature_bytes_in_base64() {
        SignedDigest signed = SignedDigest.sign(digest("2026-03-14T13:00:00Z", null, List.of()), signer);
        String line = new String(signed.toBytes(), UTF_8).split("\n")[1];
        String b64 = line.substring(line.indexOf("\"signature\":\"") + 13, line.lastIndexOf('"'));
        assertArrayEquals(signed.signature().value(), Base64.getDecoder().decode(b64));
    }

    private void assertRefused(String stored, String reason) {
        MalformedDigestException e = assertThrows(MalformedDigestException.class,
                () -> SignedDigest.parse(stored.getBytes(UTF_8)));
        assertTrue(e.getMessage().contains(reason), () -> "'" + e.getMessage() + "' should say '" + reason + "'");
    }

    private DigestVerifier verifier() {
        return new DigestVerifier(List.of(signer.keys().getPublic()));
    }
}
