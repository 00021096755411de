package io.auditdrain.receiver.telemetry;

import java.util.List;

/**
 * What happened to one drain request, filled in as it is handled and written as one log line. Holds no credential
 * and no message content by construction: nothing here is ever given either.
 */
public final class RequestRecord {
    public String method;
    public int status;
    /** The app the credential opened; null unless accepted. */
    public String app;
    /** A syntactically valid app name whose credential was refused; never a metric dimension. */
    public String attemptedApp;
    public String frameId;
    public String drainToken;
    /** Logplex-Msg-Count as sent, for comparison with {@link #messages}. */
    public String declaredMessages;
    public int messages;
    public int malformedFrames;
    public int overflowNotices;
    public long bytesIn;
    public long bytesOut;
    public List<String> keys = List.of();
    public int alreadyStored;
    public long durationNanos;
    /** The request's Content-Encoding, as a short token (null when none was sent). */
    public String contentEncoding;
    /** Why a body whose Content-Encoding was given is stored as received instead of decoded (null when decoded). */
    public String undecodable;
    /** Reads of the credential store this request caused (0 when the cache answered). */
    public int credentialReads;
    /** Time spent in the store's put calls, so a slow request shows whether S3 or the receiver was slow. */
    public long storeNanos;
    /** Why a request was refused (4xx). */
    public String reason;
    /** Why a request failed (5xx). */
    public String error;
}
