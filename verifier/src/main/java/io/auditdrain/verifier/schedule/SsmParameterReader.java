package io.auditdrain.verifier.schedule;

import io.auditdrain.verifier.ConfigurationException;
import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.store.S3ClientConfig;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.SsmException;

/**
 * Reads one SecureString, decrypted, with a client built once. Its value never appears in an exception message, only
 * the parameter's name and AWS's error code.
 */
public final class SsmParameterReader implements AutoCloseable {

    private final SsmClient ssm;

    public SsmParameterReader(SsmClient ssm) {
        this.ssm = ssm;
    }

    /** A reader with the {@linkplain #client client} for this environment (the function's role in Lambda). */
    public static SsmParameterReader fromEnvironment(Environment env) {
        return new SsmParameterReader(client(env));
    }

    /**
     * An SSM client for the region and credentials the S3 client would use, and {@code AWS_ENDPOINT_URL_SSM} or
     * {@code AWS_ENDPOINT_URL} for an emulator.
     */
    public static SsmClient client(Environment env) {
        S3ClientConfig aws = S3ClientConfig.fromEnvironment(env);
        var builder = SsmClient.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(30))
                        .build())
                .region(aws.region())
                .credentialsProvider(aws.credentials());
        env.get("AWS_ENDPOINT_URL_SSM").or(() -> env.get("AWS_ENDPOINT_URL"))
                .ifPresent(endpoint -> builder.endpointOverride(URI.create(endpoint)));
        return builder.build();
    }

    /** The decrypted value; a {@link ConfigurationException} naming the parameter when it cannot be read. */
    public String read(String name) {
        try {
            return ssm.getParameter(r -> r.name(name).withDecryption(true)).parameter().value();
        } catch (ParameterNotFoundException e) {
            throw new ConfigurationException("the SSM parameter " + name + " does not exist: write the restricted"
                    + " role's database URL there with scripts/set-verifier-url");
        } catch (SsmException e) {
            String code = e.awsErrorDetails() == null ? e.getClass().getSimpleName() : e.awsErrorDetails().errorCode();
            throw new ConfigurationException("could not read the SSM parameter " + name + ": " + code);
        } catch (SdkException e) {
            throw new ConfigurationException("could not read the SSM parameter " + name + ": "
                    + e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        ssm.close();
    }
}
