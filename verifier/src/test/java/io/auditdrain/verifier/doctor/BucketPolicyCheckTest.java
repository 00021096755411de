package io.auditdrain.verifier.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The bucket-policy check's reading of policies: the one Terraform writes (the fixture is compared with what the
 * module applies by scripts/check-deploy), and that policy with one statement changed or added.
 */
class BucketPolicyCheckTest {

    private static final String BUCKET = "auditdrain-emulator-logs";
    private static final ObjectMapper JSON = new ObjectMapper();

    static String fixture(String name) {
        try (InputStream in = BucketPolicyCheckTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Terraform policy with {@code change} applied to its statements. */
    static String terraformPolicyWith(Consumer<ArrayNode> change) {
        try {
            ObjectNode policy = (ObjectNode) JSON.readTree(fixture("terraform-bucket-policy.json"));
            change.accept((ArrayNode) policy.get("Statement"));
            return JSON.writeValueAsString(policy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode statement(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode sid(ArrayNode statements, String sid) {
        for (var s : statements) {
            if (s.path("Sid").asText().equals(sid)) {
                return (ObjectNode) s;
            }
        }
        throw new AssertionError("no statement " + sid);
    }

    private static CheckResult review(String policy) {
        return BucketPolicyCheck.review(policy, BUCKET);
    }

    @Test
    void the_policy_terraform_writes_passes_and_names_the_roles_it_exempts() {
        CheckResult result = review(fixture("terraform-bucket-policy.json"));
        assertEquals(Verdict.PASS, result.verdict(), result.detail());
        for (String role : new String[]{"auditdrain-receiver", "auditdrain-digester", "auditdrain-verifier",
            "auditdrain-break-glass"}) {
            assertTrue(result.detail().contains("arn:aws:iam::123456789012:role/" + role), result.detail());
        }
    }

    @Test
    void without_a_break_glass_role_the_unconditional_denies_pass() {
        CheckResult result = review(terraformPolicyWith(statements -> {
            for (var s : statements) {
                if (s.path("Sid").asText().startsWith("OnlyBreakGlass")) {
                    ((ObjectNode) s).remove("Condition");
                }
            }
        }));
        assertEquals(Verdict.PASS, result.verdict(), result.detail());
        assertTrue(!result.detail().contains("break-glass"), result.detail());
    }

    @Test
    void a_grant_to_another_account_fails_naming_the_statement_and_the_principals() {
        CheckResult result = review(terraformPolicyWith(statements ->
                statements.add(statement(fixture("bucket-policy-cross-account-reader.json")))));
        assertEquals(Verdict.FAIL, result.verdict(), result.detail());
        assertTrue(result.detail().contains("statement AuditorsOfTheParentCompany allows s3:GetObject, s3:ListBucket to"
                + " arn:aws:iam::210987654321:role/group-audit, arn:aws:iam::210987654321:root"), result.detail());
        assertTrue(result.remedy().contains("break-glass"), result.remedy());
    }

    @Test
    void a_grant_to_everyone_fails_even_under_a_condition() {
        CheckResult result = review(terraformPolicyWith(statements -> statements.add(statement("""
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::auditdrain-emulator-logs/*",
                 "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}"""))));
        assertEquals(Verdict.FAIL, result.verdict(), result.detail());
        assertTrue(result.detail().contains("statement 10 allows s3:GetObject to *"), result.detail());
    }

    @Test
    void a_grant_to_a_role_of_the_account_outside_the_deployment_fails() {
        CheckResult result = review(terraformPolicyWith(statements -> statements.add(statement("""
                {"Sid": "Etl", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/etl"},
                 "Action": "s3:PutObject", "Resource": "arn:aws:s3:::auditdrain-emulator-logs/logs/*"}"""))));
        assertEquals(Verdict.FAIL, result.verdict(), result.detail());
        assertTrue(result.detail().contains("arn:aws:iam::123456789012:role/etl"), result.detail());
    }

    @Test
    void a_grant_to_one_of_the_deployments_own_roles_passes() {
        CheckResult result = review(terraformPolicyWith(statements -> statements.add(statement("""
                {"Sid": "ReceiverReadsBack", "Effect": "Allow",
                 "Principal": {"AWS": "arn:aws:iam::123456789012:role/auditdrain-receiver"},
                 "Action": "s3:GetObject", "Resource": "arn:aws:s3:::auditdrain-emulator-logs/logs/*"}"""))));
        assertEquals(Verdict.PASS, result.verdict(), result.detail());
    }

    @Test
    void a_grant_to_everyone_but_named_principals_fails() {
        CheckResult result = review(terraformPolicyWith(statements -> statements.add(statement("""
                {"Sid": "AllButOne", "Effect": "Allow",
                 "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:role/auditdrain-receiver"},
                 "Action": "s3:GetObject", "Resource": "arn:aws:s3:::auditdrain-emulator-logs/*"}"""))));
        assertEquals(Verdict.FAIL, result.verdict(), result.detail());
        assertTrue(result.detail().contains("everyone but arn:aws:iam::123456789012:role/auditdrain-receiver"),
                result.detail());
    }

    @Test
    void a_grant_to_a_service_fails() {
        CheckResult result = review(terraformPolicyWith(statements -> statements.add(statement("""
                {"Sid": "ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
                 "Action": "s3:PutObject", "Resource": "arn:aws:s3:::auditdrain-emulator-logs/logs/*"}"""))));
        assertEquals(Verdict.FAIL, result.verdict(), result.detail());
        assertTrue(result.detail().contains("logging.s3.amazonaws.com"), result.detail());
    }

    @Test
    void the_tls_only_policy_of_earlier_versions_warns_naming_every_destructive_action() {
        CheckResult result = review(fixture("bucket-policy-tls-only.json"));
        assertEquals(Verdict.WARN, result.verdict(), result.detail());
        for (String action : BucketPolicyCheck.DESTRUCTIVE) {
            assertTrue(result.detail().contains(action), result.detail());
        }
    }

    @Test
    void a_fence_that_holds_only_under_another_condition_does_not_count() {
        CheckResult result = review(terraformPolicyWith(statements -> sid(statements, "OnlyBreakGlassChangesTheBucket")
                .set("Condition", statement("{\"Bool\": {\"aws:SecureTransport\": \"false\"}}"))));
        assertEquals(Verdict.WARN, result.verdict(), result.detail());
        assertTrue(result.detail().contains("s3:PutBucketVersioning, s3:PutLifecycleConfiguration, s3:PutBucketPolicy,"
                + " s3:DeleteBucketPolicy, s3:PutBucketObjectLockConfiguration ("), result.detail());
    }

    @Test
    void a_fence_that_exempts_a_pattern_of_roles_does_not_count() {
        CheckResult result = review(terraformPolicyWith(statements ->
                sid(statements, "OnlyBreakGlassRemovesVersionsOrRetention").set("Condition", statement(
                        "{\"ArnNotLike\": {\"aws:PrincipalArn\": \"arn:aws:iam::123456789012:role/*\"}}"))));
        assertEquals(Verdict.WARN, result.verdict(), result.detail());
        assertTrue(result.detail().startsWith("not denied to every principal but named roles: s3:DeleteObjectVersion,"
                + " s3:BypassGovernanceRetention, s3:PutObjectRetention ("), result.detail());
    }

    @Test
    void a_fence_on_another_bucket_does_not_count() {
        CheckResult result = BucketPolicyCheck.review(fixture("terraform-bucket-policy.json"), "another-bucket");
        assertEquals(Verdict.WARN, result.verdict(), result.detail());
    }

    @Test
    void wildcards_and_not_action_are_read_as_iam_reads_them() {
        CheckResult result = review(fixture("bucket-policy-deny-all-but-reads.json"));
        assertEquals(Verdict.PASS, result.verdict(), result.detail());
        assertTrue(result.detail().contains("arn:aws:iam::123456789012:role/acme-break-glass"), result.detail());
    }

    @Test
    void a_policy_that_cannot_be_read_fails() {
        assertEquals(Verdict.FAIL, review("{\"Version\": \"2012-10-17\"}").verdict());
        assertEquals(Verdict.FAIL, review("not json").verdict());
    }
}
