package io.auditdrain.verifier.doctor;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;

/**
 * Judges a bucket's lifecycle rules against a minimum retention for the objects under one key prefix: no enabled
 * rule that applies to them may expire current objects, or noncurrent versions, sooner than the minimum.
 * A rule applies when its prefix and the objects' prefix overlap and it has no tag condition (the drain tags
 * nothing).
 */
public final class LifecycleRetention {

    private LifecycleRetention() {
    }

    /** The verdict with its reasons. */
    public record Judgement(Verdict verdict, String detail) {
    }

    public static Judgement judge(List<LifecycleRule> rules, String keyPrefix, int requiredDays) {
        List<String> tooShort = new ArrayList<>();
        List<String> fine = new ArrayList<>();
        boolean currentExpires = false;
        for (LifecycleRule rule : rules) {
            if (rule.status() != ExpirationStatus.ENABLED || !applies(rule, keyPrefix)) {
                continue;
            }
            String id = rule.id() == null || rule.id().isBlank() ? "(unnamed rule)" : "rule " + rule.id();
            if (rule.expiration() != null) {
                Integer days = rule.expiration().days();
                if (rule.expiration().date() != null) {
                    currentExpires = true;
                    tooShort.add(id + " expires objects on a fixed date, " + rule.expiration().date());
                } else if (days != null) {
                    currentExpires = true;
                    (days < requiredDays ? tooShort : fine).add(id + " expires objects after " + days + " days");
                }
            }
            if (rule.noncurrentVersionExpiration() != null
                    && rule.noncurrentVersionExpiration().noncurrentDays() != null) {
                int days = rule.noncurrentVersionExpiration().noncurrentDays();
                (days < requiredDays ? tooShort : fine).add(id + " expires noncurrent versions after " + days
                        + " days");
            }
        }
        if (!tooShort.isEmpty()) {
            return new Judgement(Verdict.FAIL, String.join("; ", tooShort) + " (at least " + requiredDays
                    + " required)");
        }
        if (!currentExpires) {
            return new Judgement(Verdict.WARN, "no lifecycle rule expires objects under " + keyPrefix
                    + ": they are kept forever (meets " + requiredDays + " days; storage grows without bound)");
        }
        return new Judgement(Verdict.PASS, String.join("; ", fine));
    }

    @SuppressWarnings("deprecation") // a rule's top-level Prefix is deprecated but still returned by older buckets
    static boolean applies(LifecycleRule rule, String keyPrefix) {
        LifecycleRuleFilter filter = rule.filter();
        if (filter == null) {
            return overlaps(rule.prefix(), keyPrefix);
        }
        if (filter.tag() != null) {
            return false;
        }
        if (filter.and() != null) {
            if (filter.and().tags() != null && !filter.and().tags().isEmpty()) {
                return false;
            }
            return overlaps(filter.and().prefix(), keyPrefix);
        }
        return overlaps(filter.prefix(), keyPrefix);
    }

    private static boolean overlaps(String rulePrefix, String keyPrefix) {
        return rulePrefix == null || rulePrefix.isEmpty() || keyPrefix.startsWith(rulePrefix)
                || rulePrefix.startsWith(keyPrefix);
    }
}
