package io.auditdrain.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StoreLocationTest {

    @Test
    void s3_uri_names_a_bucket() {
        assertEquals(new StoreLocation.S3Bucket("raxx-heroku-logs-prod"), StoreLocation.parse("s3://raxx-heroku-logs-prod"));
        assertEquals(new StoreLocation.S3Bucket("my.bucket"), StoreLocation.parse("s3://my.bucket/"));
    }

    @Test
    void file_uri_names_a_directory() {
        assertEquals(new StoreLocation.Directory(Path.of("/tmp/drained")), StoreLocation.parse("file:/tmp/drained"));
        assertEquals(new StoreLocation.Directory(Path.of("/tmp/drained")), StoreLocation.parse("file:///tmp/drained"));
        assertEquals(new StoreLocation.Directory(Path.of("./x")), StoreLocation.parse("file:./x"));
    }

    @Test
    void anything_else_is_refused_with_the_accepted_forms() {
        for (String bad : new String[] {null, "", "bucket", "s3://", "s3://UPPER", "s3://a", "s3://a..b", "file:",
            "http://x"}) {
            assertThrows(IllegalArgumentException.class, () -> StoreLocation.parse(bad), String.valueOf(bad));
        }
    }
}
