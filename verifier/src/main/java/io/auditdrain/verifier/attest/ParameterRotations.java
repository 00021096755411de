package io.auditdrain.verifier.attest;

import io.auditdrain.core.AppName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterHistory;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.SsmException;

/**
 * When the credentials that matter to deprovisioning were last rotated, from SSM's parameter history
 * ({@code GetParameterHistory}, never decrypted): the app's drain secret, its previous secret while a rotation is
 * under way, and the scheduled verification's database URL. Only version numbers, dates, the writer's ARN and labels
 * are kept; a value never leaves this class (SSM returns the ciphertext, which is dropped).
 */
public final class ParameterRotations {

    private final SsmClient ssm;

    public ParameterRotations(SsmClient ssm) {
        this.ssm = ssm;
    }

    /**
     * @param prefix              where the drain secrets live ({@code /auditdrain/apps})
     * @param databaseUrlParameter the scheduled verification's database URL parameter
     */
    public List<AccessSection.Rotation> read(String app, String prefix, String databaseUrlParameter, Instant from,
                                      Instant to) {
        String base = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        List<AccessSection.Rotation> rotations = new ArrayList<>();
        rotations.add(history(base + "/" + AppName.require(app) + "/secret", "drain secret of " + app, from, to));
        rotations.add(history(base + "/" + app + "/secret-previous", "previous drain secret of " + app
                + " (exists only during a rotation)", from, to));
        rotations.add(history(databaseUrlParameter, "database URL of the scheduled verification (the restricted"
                + " role's credential)", from, to));
        return rotations;
    }

    private AccessSection.Rotation history(String name, String purpose, Instant from, Instant to) {
        List<ParameterHistory> all = new ArrayList<>();
        try {
            ssm.getParameterHistoryPaginator(r -> r.name(name).withDecryption(false)).forEach(page ->
                    all.addAll(page.parameters()));
        } catch (ParameterNotFoundException e) {
            return new AccessSection.Rotation(name, purpose, null, null, List.of(), "no such parameter");
        } catch (SsmException e) {
            String code = e.awsErrorDetails() == null ? e.getClass().getSimpleName() : e.awsErrorDetails().errorCode();
            return new AccessSection.Rotation(name, purpose, null, null, List.of(), "could not read its history: "
                    + code);
        } catch (SdkException e) {
            return new AccessSection.Rotation(name, purpose, null, null, List.of(), "could not read its history: "
                    + e.getClass().getSimpleName());
        }
        if (all.isEmpty()) {
            return new AccessSection.Rotation(name, purpose, null, null, List.of(), "no such parameter");
        }
        all.sort(Comparator.comparingLong(ParameterHistory::version));
        ParameterHistory newest = all.get(all.size() - 1);
        // The versions written in the period, and the one in force when it started.
        List<AccessSection.ParameterVersion> versions = new ArrayList<>();
        ParameterHistory inForce = null;
        for (ParameterHistory h : all) {
            Instant t = h.lastModifiedDate();
            if (t != null && t.isBefore(from)) {
                inForce = h;
            } else if (t != null && t.isBefore(to)) {
                versions.add(version(h));
            }
        }
        if (inForce != null) {
            versions.add(0, version(inForce));
        }
        return new AccessSection.Rotation(name, purpose, newest.version(), newest.lastModifiedDate(), versions, null);
    }

    private static AccessSection.ParameterVersion version(ParameterHistory h) {
        return new AccessSection.ParameterVersion(h.version(), h.lastModifiedDate(), h.lastModifiedUser(),
                List.copyOf(h.labels()));
    }
}
