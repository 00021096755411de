package io.auditdrain.receiver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.core.ObjectKey;
import io.auditdrain.receiver.Deadline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryObjectStoreTest {

    @TempDir
    Path root;

    private static DrainObject object(long millis) {
        UUID id = UUID.nameUUIDFromBytes(Long.toString(millis).getBytes(StandardCharsets.UTF_8));
        return new DrainObject(new ObjectKey("my-app", millis, id), new byte[] {31, -117, 8, 0}, 1, 0, null, null);
    }

    private List<Path> filesUnder(String dir) throws IOException {
        Path path = root.resolve(dir);
        if (!Files.exists(path)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void logs_holds_only_whole_objects_and_a_retry_of_a_key_is_already_stored() throws IOException {
        DirectoryObjectStore store = new DirectoryObjectStore(root);
        Deadline deadline = Deadline.after(Duration.ofSeconds(4));
        assertEquals(ObjectStore.PutOutcome.WRITTEN, store.put(object(1_764_150_000_000L), deadline));
        assertEquals(ObjectStore.PutOutcome.ALREADY_STORED, store.put(object(1_764_150_000_000L), deadline));
        List<Path> files = filesUnder("logs");
        assertEquals(1, files.size());
        assertTrue(files.get(0).getFileName().toString().endsWith(".gz"));
        assertEquals(List.of(), filesUnder(".tmp"), "no temp file is left after a put");
    }

    @Test
    void stale_temp_files_of_a_killed_receiver_are_swept_when_a_store_opens_and_young_ones_are_kept()
            throws IOException {
        Path tmp = Files.createDirectories(root.resolve(".tmp"));
        Path day = Files.createDirectories(root.resolve("logs/my-app/2026/11/26"));
        Path stale = Files.writeString(tmp.resolve(".1764150000000-a.gz.1234.tmp"), "half");
        Path staleOld = Files.writeString(day.resolve(".1764150000000-b.gz.5678.tmp"), "half, older layout");
        Path young = Files.writeString(tmp.resolve(".1764150000000-c.gz.9abc.tmp"), "being written");
        Path object = Files.writeString(day.resolve("1764150000000-d.gz"), "whole");
        FileTime hourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        Files.setLastModifiedTime(stale, hourAgo);
        Files.setLastModifiedTime(staleOld, hourAgo);
        Files.setLastModifiedTime(object, hourAgo);

        new DirectoryObjectStore(root);

        assertFalse(Files.exists(stale));
        assertFalse(Files.exists(staleOld));
        assertTrue(Files.exists(young), "another receiver may still be writing it");
        assertTrue(Files.exists(object), "objects are never touched");
    }

    @Test
    void temp_files_of_a_killed_writer_are_removed_at_once_when_a_store_opens_and_a_live_writers_are_kept()
            throws Exception {
        // A real process, killed: what the local server leaves when it is killed with requests in flight.
        Process killed = new ProcessBuilder("sleep", "60").start();
        long pid = killed.pid();
        long started = killed.info().startInstant().orElseThrow().toEpochMilli();
        killed.destroyForcibly().waitFor();
        Path tmp = Files.createDirectories(root.resolve(".tmp"));
        Path orphan = Files.writeString(tmp.resolve(".1764150000000-a.gz." + pid + "-" + started + "-"
                + UUID.randomUUID() + ".tmp"), "half");
        ProcessHandle self = ProcessHandle.current();
        Path live = Files.writeString(tmp.resolve(".1764150000000-b.gz." + self.pid() + "-"
                + self.info().startInstant().orElseThrow().toEpochMilli() + "-" + UUID.randomUUID() + ".tmp"),
                "being written");
        Path reusedPid = Files.writeString(tmp.resolve(".1764150000000-c.gz." + self.pid() + "-1-"
                + UUID.randomUUID() + ".tmp"), "an earlier process under the same pid");

        new DirectoryObjectStore(root);

        assertFalse(Files.exists(orphan), "its writer is gone: its batch was never acknowledged");
        assertFalse(Files.exists(reusedPid), "the same pid, started at another time, is another process");
        assertTrue(Files.exists(live), "a running writer's temp file is kept");
    }

    @Test
    void a_temp_file_is_named_after_its_writer_so_that_a_later_store_can_tell_it_is_gone() {
        String name = DirectoryObjectStore.tempName("1764150000000-x.gz");
        assertTrue(name.startsWith(".1764150000000-x.gz." + ProcessHandle.current().pid() + "-"), name);
        assertFalse(DirectoryObjectStore.writerGone(name), "this process is running");
        assertTrue(DirectoryObjectStore.writerGone(name.replace("." + ProcessHandle.current().pid() + "-",
                "." + ProcessHandle.current().pid() + "0-")), "no such process (or another one)");
    }
}
