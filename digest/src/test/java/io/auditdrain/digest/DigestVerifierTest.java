package io.auditdrain.digest;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DigestVerifierTest {

    private final JdkSigner signer = JdkSigner.p256();

    @Test
    void a_digest_that_names_its_predecessor_and_starts_at_its_end_is_linked() {
        SignedDigest first = SignedDigest.sign(SignedDigestTest.digest("2026-03-14T13:00:00Z", null, List.of()), signer);
        SignedDigest second = SignedDigest.sign(SignedDigestTest.digest("2026-03-14T14:00:00Z", first.link(),
                List.of()), signer);
        assertEquals(Optional.empty(), DigestVerifier.linkProblem(first, second));
    }

    @Test
    void a_link_to_another_key_another_signature_or_a_gap_is_named() {
        SignedDigest first = SignedDigest.sign(SignedDigestTest.digest("2026-03-14T13:00:00Z", null, List.of()), signer);
        SignedDigest resigned = SignedDigest.sign(first.digest(), signer);
        SignedDigest second = SignedDigest.sign(SignedDigestTest.digest("2026-03-14T14:00:00Z", resigned.link(),
                List.of()), signer);
        assertTrue(DigestVerifier.linkProblem(first, second).orElseThrow().contains("signature hashes to"));

        SignedDigest later = SignedDigest.sign(SignedDigestTest.digest("2026-03-14T15:00:00Z", first.link(),
                List.of()), signer);
        assertTrue(DigestVerifier.linkProblem(first, later).orElseThrow().contains("not where"));

        SignedDigest fresh = SignedDigest.sign(SignedDigestTest.digest("2026-03-14T14:00:00Z", null, List.of()), signer);
        assertTrue(DigestVerifier.linkProblem(first, fresh).orElseThrow().contains("new chain"));

        SignedDigest elsewhere = SignedDigest.sign(SignedDigestTest.digest("2026-03-14T14:00:00Z",
                new DigestLink("digests/acme-api/2026/03/14/1200.jsonl", first.signature().sha256()), List.of()),
                signer);
        assertTrue(DigestVerifier.linkProblem(first, elsewhere).orElseThrow().contains("links to"));
    }

    @Test
    void a_link_over_a_recorded_gap_continues_the_chain_only_where_the_gap_ends() {
        SignedDigest first = SignedDigest.sign(SignedDigestTest.digest("2026-03-14T13:00:00Z", null, List.of()), signer);
        DigestGap skipped = new DigestGap(DigestInterval.containing(java.time.Instant.parse("2026-03-14T14:00:00Z"),
                SignedDigestTest.HOUR), List.of(), List.of());
        SignedDigest overGap = SignedDigest.sign(SignedDigestTest.digest("2026-03-14T15:00:00Z", first.link(),
                List.of(skipped), List.of()), signer);
        assertEquals(Optional.empty(), DigestVerifier.linkProblem(first, overGap));

        SignedDigest pastGap = SignedDigest.sign(SignedDigestTest.digest("2026-03-14T16:00:00Z", first.link(),
                List.of(skipped), List.of()), signer);
        assertTrue(DigestVerifier.linkProblem(first, pastGap).orElseThrow().contains("not where its gap ends"));
        SignedDigest v1 = SignedDigest.sign(SignedDigestTest.firstFormat("2026-03-14T14:00:00Z", first.link(),
                List.of()), signer);
        assertEquals(Optional.empty(), DigestVerifier.linkProblem(first, v1), "a chain may cross formats");
    }

    @Test
    void a_public_key_reads_from_pem_or_der() {
        PublicKey key = signer.keys().getPublic();
        byte[] der = key.getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n";
        assertEquals(key, DigestVerifier.parsePublicKey(der));
        assertEquals(key, DigestVerifier.parsePublicKey(pem.getBytes(US_ASCII)));
        PublicKey rsa = JdkSigner.rsa(SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256).keys().getPublic();
        assertEquals(rsa, DigestVerifier.parsePublicKey(rsa.getEncoded()));
        assertThrows(IllegalArgumentException.class, () -> DigestVerifier.parsePublicKey("nonsense".getBytes(US_ASCII)));
    }
}
