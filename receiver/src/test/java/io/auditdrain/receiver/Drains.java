package io.auditdrain.receiver;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.auditdrain.testing.AwsEmulator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/** What the receiver's integration tests share: emulator clients, credentials in SSM, expected messages. */
public final class Drains {

    public static final String PREFIX = "/auditdrain-test/apps";

    private Drains() {
    }

    public static S3Client s3(AwsEmulator emulator) {
        return S3Client.builder().endpointOverride(emulator.endpoint()).forcePathStyle(true)
                .region(Region.of(AwsEmulator.REGION)).credentialsProvider(credentials()).build();
    }

    public static SsmClient ssm(AwsEmulator emulator) {
        return SsmClient.builder().endpointOverride(emulator.endpoint())
                .region(Region.of(AwsEmulator.REGION)).credentialsProvider(credentials()).build();
    }

    public static void putSecret(SsmClient ssm, String app, String name, String value) {
        ssm.putParameter(r -> r.name(PREFIX + "/" + app + "/" + name).value(value).type(ParameterType.SECURE_STRING)
                .overwrite(true));
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
    }

    /**
     * The messages of a well-formed fixture body, found without the frame reader: one per line, count prefix cut.
     * (The fixtures hold no LF inside a message.)
     */
    public static List<String> expectedMessages(byte[] body) {
        List<String> messages = new ArrayList<>();
        for (String line : new String(body, UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                messages.add(line.substring(line.indexOf(' ') + 1));
            }
        }
        return messages;
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(AwsEmulator.ACCESS_KEY,
                AwsEmulator.SECRET_KEY));
    }
}
