package io.auditdrain.digest;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A digest as stored: two lines of JSON. The first, the payload, is hashed exactly as stored (no canonical form to
 * recompute); the second holds the signature over the {@linkplain #signedMessage signed message}, which names that
 * hash. So {@code head -n1 | sha256sum} and {@code openssl dgst -verify} check a digest by hand.
 *
 * @param payload the first line's bytes, without its LF: what is hashed
 */
public record SignedDigest(ArchiveDigest digest, byte[] payload, DigestSignature signature) {

    /** The content type digests are stored with. */
    public static final String CONTENT_TYPE = "application/x-ndjson";
    private static final int MAX_SIGNATURE_LINE = 4096;

    public SignedDigest {
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Writes {@code digest}'s payload and has {@code signer} sign it. */
    public static SignedDigest sign(ArchiveDigest digest, DigestSigner signer) {
        byte[] payload = DigestJson.payload(digest);
        return new SignedDigest(digest, payload, signer.sign(signedMessage(digest.format(), payload)));
    }

    /**
     * The bytes that are signed: the payload's format ({@code auditdrain-digest/2}), LF, and the lower-case hex
     * SHA-256 of the payload line (84 bytes; KMS signs up to 4096 as a raw message, and hashes them with SHA-256
     * itself). Naming the format keeps a payload from being read as another format's.
     */
    public static byte[] signedMessage(String format, byte[] payload) {
        return (format + "\n" + Sha256.hex(payload)).getBytes(US_ASCII);
    }

    /** The payload's hash as the signed message names it. */
    public String payloadSha256() {
        return Sha256.hex(payload);
    }

    /** What the next digest of the chain records about this one. */
    public DigestLink link() {
        return new DigestLink(digest.key(), signature.sha256());
    }

    /** The stored form: payload, LF, signature line, LF. */
    public byte[] toBytes() {
        byte[] sig = DigestJson.signature(signature);
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + sig.length + 2);
        out.writeBytes(payload);
        out.write('\n');
        out.writeBytes(sig);
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * Reads a stored digest. Its payload is parsed strictly, but nothing is verified here: see
     * {@link DigestVerifier}.
     *
     * @throws MalformedDigestException when the bytes are not two lines of this format
     */
    public static SignedDigest parse(byte[] stored) {
        int lf = indexOf(stored, 0);
        if (lf < 0) {
            throw new MalformedDigestException("a digest has two lines (payload, signature); found one");
        }
        int end = stored.length;
        if (end > lf + 1 && stored[end - 1] == '\n') {
            end--;
        }
        if (indexOf(stored, lf + 1) >= 0 && indexOf(stored, lf + 1) < end) {
            throw new MalformedDigestException("a digest has exactly two lines (payload, signature)");
        }
        if (end - lf - 1 > MAX_SIGNATURE_LINE) {
            throw new MalformedDigestException("the signature line is too long");
        }
        byte[] payload = Arrays.copyOfRange(stored, 0, lf);
        ArchiveDigest digest = DigestJson.readPayload(payload);
        DigestSignature signature = DigestJson.readSignature(Arrays.copyOfRange(stored, lf + 1, end));
        return new SignedDigest(digest, payload, signature);
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedDigest s && digest.equals(s.digest) && Arrays.equals(payload, s.payload)
                && signature.equals(s.signature);
    }

    @Override
    public int hashCode() {
        return 31 * digest.hashCode() + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "SignedDigest[" + digest.key() + ", payload sha256 " + payloadSha256() + "]";
    }
}
