package io.auditdrain.verifier.doctor;

import io.auditdrain.core.InvalidObjectKeyException;
import io.auditdrain.core.ObjectKey;
import io.auditdrain.core.ObjectKeyLayout;
import io.auditdrain.verifier.Durations;
import io.auditdrain.verifier.store.ArchiveReader;
import io.auditdrain.verifier.store.StoredObject;
import java.time.Duration;
import java.time.Instant;

/**
 * The drain is not silent: the store holds an object for the app stamped within the window (15 minutes by
 * default, the alarm's). Only the keys after {@code now - window} are listed.
 */
public final class DrainActivityCheck implements Check {

    /** Keys stamped a little ahead of this machine's clock still count. */
    private static final Duration CLOCK_SLACK = Duration.ofMinutes(5);

    @Override
    public String name() {
        return "drain-activity";
    }

    @Override
    public String description() {
        return "the drain wrote an object for the app recently";
    }

    @Override
    public CheckResult run(DoctorContext ctx) {
        if (ctx.store().isEmpty() || ctx.app().isEmpty()) {
            return CheckResult.skip(name(), "needs --app and --store");
        }
        ArchiveReader store = ctx.store().get();
        String app = ctx.app().get();
        Instant now = ctx.clock().instant();
        Instant from = now.minus(ctx.silenceWindow());
        ObjectKey newest = null;
        for (StoredObject o : store.listStamped(app, from, now.plus(CLOCK_SLACK))) {
            try {
                ObjectKey key = ObjectKeyLayout.parse(o.key());
                if (newest == null || key.epochMillis() > newest.epochMillis()) {
                    newest = key;
                }
            } catch (InvalidObjectKeyException e) {
                // not written by the receiver; does not show the drain is alive
            }
        }
        String window = Durations.format(ctx.silenceWindow());
        if (newest == null) {
            return CheckResult.fail(name(), "no object for " + app + " in " + store.describe() + " stamped in the last "
                    + window + " (since " + from + ")", "heroku drains --app " + app
                    + "   (expect the receiver's URL; if missing: heroku drains:add \"$DRAIN_URL\" --app " + app
                    + "; if present, read the receiver's logs: aws logs tail /aws/lambda/<receiver function>"
                    + " --since 30m)");
        }
        Duration age = Duration.between(newest.time(), now);
        String ageText = age.isNegative() ? "stamped " + Durations.format(age.negated().withNanos(0))
                + " ahead of this clock" : Durations.format(age.withNanos(0)) + " old";
        return CheckResult.pass(name(), "newest object " + newest + " is " + ageText);
    }
}
