package io.auditdrain.receiver.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** The role's credentials, except placeholders while the calling thread is priming (see {@link Priming}). */
final class PrimingCredentialsProvider implements AwsCredentialsProvider, AutoCloseable {

    private static final AwsCredentials PLACEHOLDER = AwsBasicCredentials.create("AKIAPRIMINGONLY00000", "priming");

    private final AwsCredentialsProvider role;
    private final Priming priming;

    PrimingCredentialsProvider(AwsCredentialsProvider role, Priming priming) {
        this.role = role;
        this.priming = priming;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        return priming.current() != null ? PLACEHOLDER : role.resolveCredentials();
    }

    @Override
    public void close() throws Exception {
        if (role instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
