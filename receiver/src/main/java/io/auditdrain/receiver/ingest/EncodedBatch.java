package io.auditdrain.receiver.ingest;

import io.auditdrain.receiver.store.DrainObject;
import java.util.List;

/** The objects one request becomes, and what was counted on the way. */
public record EncodedBatch(List<DrainObject> objects, int messages, int malformedFrames, int overflowNotices,
                           long bytesOut) {
}
