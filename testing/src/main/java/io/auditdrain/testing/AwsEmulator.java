package io.auditdrain.testing;

import java.net.URI;

/**
 * An S3, SSM, IAM, Lambda and CloudWatch Logs API on loopback for tests: moto's server where it is installed (these
 * machines), LocalStack through Testcontainers where only Docker is. Any access key works; the region is us-east-1;
 * S3 needs path-style addressing.
 */
public interface AwsEmulator extends AutoCloseable {

    String REGION = "us-east-1";
    String ACCESS_KEY = "test";
    String SECRET_KEY = "test";

    URI endpoint();

    /** Wipes all state (buckets, parameters, ...), so that each test starts clean. */
    void reset();

    @Override
    void close();

    /**
     * The emulator shared by every test in this JVM, started on first use and stopped at exit. Chooses moto's server
     * when it is installed, otherwise LocalStack when Docker runs; {@code -Dauditdrain.emulator=moto|localstack}
     * forces one.
     */
    static AwsEmulator shared() {
        return SharedEmulator.INSTANCE.get();
    }
}
