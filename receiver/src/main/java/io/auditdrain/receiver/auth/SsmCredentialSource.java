package io.auditdrain.receiver.auth;

import io.auditdrain.receiver.Deadline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParametersResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;

/**
 * Reads {@code <prefix>/<app>/secret} and {@code <prefix>/<app>/secret-previous} (SecureString) in one
 * {@code GetParameters} call. Reading one app at a time keeps the cold start to a single small call however many
 * apps there are.
 */
public final class SsmCredentialSource implements CredentialSource {

    private final SsmClient ssm;
    private final String prefix;

    public SsmCredentialSource(SsmClient ssm, String prefix) {
        this.ssm = ssm;
        this.prefix = prefix;
    }

    public static String currentName(String prefix, String app) {
        return prefix + "/" + app + "/secret";
    }

    public static String previousName(String prefix, String app) {
        return prefix + "/" + app + "/secret-previous";
    }

    @Override
    public Optional<AppCredentials> load(String app, Deadline deadline) {
        String current = currentName(prefix, app);
        String previous = previousName(prefix, app);
        if (deadline.tooCloseForACall()) {
            throw new CredentialStoreException("no time left to read the credentials of app " + app, null);
        }
        GetParametersResponse response;
        try {
            // The whole call, the SDK's retries included, gets only what is left of the request's deadline.
            response = ssm.getParameters(r -> r.names(current, previous).withDecryption(true)
                    .overrideConfiguration(o -> o.apiCallTimeout(deadline.remaining())));
        } catch (AwsServiceException e) {
            throw new CredentialStoreException("SSM GetParameters failed for app " + app + ": " + e.statusCode() + " "
                    + e.awsErrorDetails().errorCode(), e);
        } catch (SdkException e) {
            throw new CredentialStoreException("SSM GetParameters failed for app " + app + ": "
                    + e.getClass().getSimpleName(), e);
        }
        Map<String, String> values = response.parameters().stream()
                .collect(Collectors.toMap(Parameter::name, Parameter::value, (a, b) -> a));
        if (!values.containsKey(current)) {
            return Optional.empty();
        }
        List<String> secrets = new ArrayList<>(2);
        secrets.add(values.get(current));
        secrets.add(values.get(previous));
        return Optional.of(AppCredentials.of(app, secrets));
    }
}
