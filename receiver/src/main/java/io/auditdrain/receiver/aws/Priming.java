package io.auditdrain.receiver.aws;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Priming before a SnapStart snapshot: inside {@link #answering}, the calling thread's AWS calls run through the whole
 * SDK pipeline (endpoint rules, marshalling, checksums, signing, retries, unmarshalling, error parsing) but get a
 * canned response instead of going to the network ({@link PrimingHttpClient}), and are signed with placeholder
 * credentials instead of the role's ({@link PrimingCredentialsProvider}). A restored environment then starts with those
 * classes loaded and warm, without a call to AWS during init and without credentials in the snapshot. Other threads,
 * and this one outside {@link #answering}, are unaffected.
 */
public final class Priming {

    /** A response to hand the SDK instead of one from the network. */
    public record CannedResponse(int status, Map<String, String> headers, byte[] body) {
    }

    private final ThreadLocal<CannedResponse> canned = new ThreadLocal<>();

    /** Runs {@code call} with this thread's AWS requests answered by {@code response}. */
    public <T> T answering(CannedResponse response, Supplier<T> call) {
        canned.set(response);
        try {
            return call.get();
        } finally {
            canned.remove();
        }
    }

    /** The canned response for this thread, or null outside {@link #answering}. */
    CannedResponse current() {
        return canned.get();
    }
}
