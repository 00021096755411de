package io.auditdrain.digest;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Checks digests against the public keys the caller trusts (fetched once from KMS, or an exported key file), locally
 * with the JDK: the signature over the signed message, and the links of the chain. The key id a digest names is
 * never trusted by itself.
 */
public final class DigestVerifier {

    private final List<PublicKey> trusted;

    public DigestVerifier(List<PublicKey> trusted) {
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("at least one public key is needed to verify digests");
        }
        this.trusted = List.copyOf(trusted);
    }

    /** Whether the digest's signature over its payload's hash is valid under one of the trusted keys. */
    public boolean signatureValid(SignedDigest d) {
        byte[] message = SignedDigest.signedMessage(d.digest().format(), d.payload());
        for (PublicKey key : trusted) {
            Signature s = d.signature().algorithm().newSignature();
            try {
                s.initVerify(key);
                s.update(message);
                if (s.verify(d.signature().value())) {
                    return true;
                }
            } catch (InvalidKeyException wrongKind) {
                // an RSA key for an ECDSA signature or the reverse: another trusted key may fit
            } catch (GeneralSecurityException malformedSignature) {
                return false;
            }
        }
        return false;
    }

    /**
     * Why {@code next} does not follow {@code previous} in the chain, or empty when it does: it must name
     * {@code previous}'s key and the SHA-256 of its signature, and start where {@code previous} ends, or where the
     * gap it records after {@code previous} ends (the gap itself is a finding of its own).
     */
    public static Optional<String> linkProblem(SignedDigest previous, SignedDigest next) {
        DigestLink link = next.digest().previous();
        if (link == null) {
            return Optional.of("it starts a new chain (no previous digest) although " + previous.digest().key()
                    + " comes before it");
        }
        if (!link.key().equals(previous.digest().key())) {
            return Optional.of("it links to " + link.key() + ", not to " + previous.digest().key());
        }
        if (!link.signatureSha256().equals(previous.signature().sha256())) {
            return Optional.of("its link to " + link.key() + " names signature sha256 " + link.signatureSha256()
                    + ", but that digest's signature hashes to " + previous.signature().sha256());
        }
        // A gap (intervals whose digests were tampered with) lies between them, each interval where the last ends.
        java.time.Instant end = previous.digest().interval().end();
        for (DigestGap gap : next.digest().gap()) {
            if (!gap.interval().start().equals(end)) {
                return Optional.of("its gap " + gap.interval() + " does not start where " + end + " ends the one"
                        + " before it");
            }
            end = gap.interval().end();
        }
        if (!next.digest().interval().start().equals(end)) {
            return Optional.of("it starts at " + next.digest().interval().start() + ", not where "
                    + (next.digest().gap().isEmpty() ? previous.digest().key() + " ends (" + end + ")"
                    : "its gap ends (" + end + ")"));
        }
        return Optional.empty();
    }

    /**
     * A public key from a file's bytes: PEM ({@code -----BEGIN PUBLIC KEY-----}) or DER SubjectPublicKeyInfo (what
     * {@code aws kms get-public-key} returns, base64-decoded), EC or RSA.
     */
    public static PublicKey parsePublicKey(byte[] pemOrDer) {
        byte[] der = pemOrDer;
        String text = new String(pemOrDer, US_ASCII);
        int begin = text.indexOf("-----BEGIN PUBLIC KEY-----");
        if (begin >= 0) {
            int end = text.indexOf("-----END PUBLIC KEY-----", begin);
            if (end < 0) {
                throw new IllegalArgumentException("PEM public key without its END line");
            }
            String body = text.substring(begin + "-----BEGIN PUBLIC KEY-----".length(), end).replaceAll("\\s", "");
            der = Base64.getDecoder().decode(body);
        }
        for (String kind : List.of("EC", "RSA")) {
            try {
                return KeyFactory.getInstance(kind).generatePublic(new X509EncodedKeySpec(der));
            } catch (InvalidKeySpecException notThisKind) {
                // try the next kind
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JDK has no " + kind + " key factory", e);
            }
        }
        throw new IllegalArgumentException("not a PEM or DER public key (SubjectPublicKeyInfo, EC or RSA)");
    }
}
