package io.auditdrain.receiver.store;

import io.auditdrain.core.ObjectKey;

/**
 * One gzip object ready to store: a group of the request's messages (one app, one UTC day).
 *
 * @param gzip the object's bytes (exactly; not a larger buffer)
 * @param frameId Logplex-Frame-Id when it is a plausible one, else null
 * @param drainToken Logplex-Drain-Token when it is a plausible one, else null
 */
public record DrainObject(ObjectKey key, byte[] gzip, int messageCount, int malformedCount, String frameId,
                          String drainToken) {

    public static final String CONTENT_TYPE = "text/plain; charset=utf-8";
    public static final String CONTENT_ENCODING = "gzip";
}
