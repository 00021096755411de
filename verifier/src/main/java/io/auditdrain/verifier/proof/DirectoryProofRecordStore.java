package io.auditdrain.verifier.proof;

import io.auditdrain.core.ProofKey;
import io.auditdrain.digest.Sha256;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run records in a local directory that mirrors the bucket's layout: written to a temporary file beside the record,
 * then moved into place without replacing anything (the file system's If-None-Match), so that a reader never sees
 * half a record. The key comes from {@link ProofKey}, whose app name is validated, so no path leaves the directory.
 */
final class DirectoryProofRecordStore implements ProofRecordStore {

    private final Path root;

    DirectoryProofRecordStore(Path root) {
        this.root = root;
    }

    @Override
    public WriteResult create(ProofKey key, byte[] record) {
        String k = key.toString();
        String sha256 = Sha256.hex(record);
        Path target = root.resolve(k);
        Path temp = null;
        try {
            Files.createDirectories(target.getParent());
            temp = Files.createTempFile(target.getParent(), ".record-", ".tmp");
            Files.write(temp, record);
            Files.move(temp, target);
            temp = null;
            return new WriteResult(k, sha256, null);
        } catch (FileAlreadyExistsException e) {
            return new WriteResult(k, sha256, "a file already holds " + target + ": this run's record is not"
                    + " confirmed");
        } catch (IOException e) {
            return new WriteResult(k, sha256, "could not write the record " + target + ": " + e.getMessage());
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the temp file is hidden from readers; nothing else depends on removing it
                }
            }
        }
    }

    @Override
    public void close() {
        // nothing held open
    }
}
