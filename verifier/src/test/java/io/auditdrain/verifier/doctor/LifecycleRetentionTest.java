package io.auditdrain.verifier.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;

class LifecycleRetentionTest {

    private static final String PREFIX = "logs/my-app/";

    private static LifecycleRule rule(String prefix, int expiryDays, int noncurrentDays) {
        return LifecycleRule.builder().id("r").status(ExpirationStatus.ENABLED).filter(f -> f.prefix(prefix))
                .expiration(e -> e.days(expiryDays)).noncurrentVersionExpiration(n -> n.noncurrentDays(noncurrentDays))
                .build();
    }

    @Test
    void passes_when_objects_and_noncurrent_versions_are_kept_long_enough() {
        assertEquals(Verdict.PASS, LifecycleRetention.judge(List.of(rule("logs/", 90, 90)), PREFIX, 90).verdict());
        assertEquals(Verdict.PASS, LifecycleRetention.judge(List.of(rule("", 365, 120)), PREFIX, 90).verdict());
    }

    @Test
    void fails_when_current_or_noncurrent_versions_expire_too_soon() {
        LifecycleRetention.Judgement j = LifecycleRetention.judge(List.of(rule("logs/", 30, 90)), PREFIX, 90);
        assertEquals(Verdict.FAIL, j.verdict());
        assertTrue(j.detail().contains("after 30 days"), j.detail());
        assertEquals(Verdict.FAIL, LifecycleRetention.judge(List.of(rule("logs/", 90, 7)), PREFIX, 90).verdict());
    }

    @Test
    void fails_on_an_expiry_at_a_fixed_date() {
        LifecycleRule byDate = LifecycleRule.builder().id("d").status(ExpirationStatus.ENABLED)
                .filter(f -> f.prefix("logs/")).expiration(e -> e.date(Instant.parse("2027-01-01T00:00:00Z"))).build();
        assertEquals(Verdict.FAIL, LifecycleRetention.judge(List.of(byDate), PREFIX, 90).verdict());
    }

    @Test
    void ignores_disabled_rules_other_prefixes_and_tag_filtered_rules() {
        LifecycleRule disabled = rule("logs/", 1, 1).toBuilder().status(ExpirationStatus.DISABLED).build();
        LifecycleRule elsewhere = rule("tmp/", 1, 1);
        LifecycleRule otherApp = rule("logs/other-app/", 1, 1);
        LifecycleRule tagged = LifecycleRule.builder().id("t").status(ExpirationStatus.ENABLED)
                .filter(f -> f.tag(t -> t.key("k").value("v"))).expiration(e -> e.days(1)).build();
        List<LifecycleRule> rules = List.of(disabled, elsewhere, otherApp, tagged, rule("logs/", 90, 90));
        assertEquals(Verdict.PASS, LifecycleRetention.judge(rules, PREFIX, 90).verdict());
    }

    @Test
    void a_rule_on_part_of_the_apps_keys_still_counts() {
        assertEquals(Verdict.FAIL, LifecycleRetention.judge(List.of(rule("logs/my-app/2026/", 30, 30)), PREFIX, 90)
                .verdict());
    }

    @Test
    void warns_when_nothing_ever_expires() {
        assertEquals(Verdict.WARN, LifecycleRetention.judge(List.of(), PREFIX, 90).verdict());
    }
}
