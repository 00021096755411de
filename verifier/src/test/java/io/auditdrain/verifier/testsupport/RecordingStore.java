package io.auditdrain.verifier.testsupport;

import io.auditdrain.verifier.store.ArchiveReader;
import io.auditdrain.verifier.store.StoredObject;
import io.auditdrain.verifier.store.StoredVersion;
import io.auditdrain.verifier.store.VersionedObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** An object store that notes every listing and read, so that tests can see what a search asked for. */
public final class RecordingStore implements ArchiveReader {

    public record Listing(String prefix, String startAfter) {
    }

    private final ArchiveReader delegate;
    private final List<Listing> listings = new ArrayList<>();
    private final List<String> reads = new ArrayList<>();

    public RecordingStore(ArchiveReader delegate) {
        this.delegate = delegate;
    }

    /** The distinct listings, in the order first made. */
    public List<Listing> listings() {
        return listings.stream().distinct().toList();
    }

    public List<String> reads() {
        return List.copyOf(reads);
    }

    @Override
    public List<StoredObject> listAfter(String prefix, String startAfter) {
        listings.add(new Listing(prefix, startAfter));
        return delegate.listAfter(prefix, startAfter);
    }

    @Override
    public List<StoredVersion> listVersions(String prefix, String startAfter, String before) {
        listings.add(new Listing(prefix, startAfter));
        return delegate.listVersions(prefix, startAfter, before);
    }

    @Override
    public byte[] read(String key) {
        reads.add(key);
        return delegate.read(key);
    }

    @Override
    public VersionedObject readCurrent(String key) {
        reads.add(key);
        return delegate.readCurrent(key);
    }

    @Override
    public Optional<byte[]> readVersion(String key, String versionId) {
        reads.add(key + "?versionId=" + versionId);
        return delegate.readVersion(key, versionId);
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
