package io.auditdrain.verifier.doctor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The bucket policy grants nothing to a principal outside the deployment's own roles (the runbook forbids any other
 * grant), and denies to every principal, but the ones it names, the actions that remove history or loosen what keeps
 * it (terraform/bucket.tf).
 *
 * <p>The deployment's own roles are the ones the policy's Deny statements name as their exceptions: a condition
 * {@code ArnNotEquals} (or {@code ArnNotLike}, {@code StringNotEquals}, {@code StringNotLike}) on
 * {@code aws:PrincipalArn} naming IAM roles by their full ARN, as Terraform writes the writer of each prefix and the
 * break-glass role. No option is needed, and the policy names them itself: only a principal allowed to change the
 * policy (the break-glass role) could add one, which is a PutBucketPolicy in CloudTrail, and a grant to another
 * account, a user, a service or everyone fails whatever the fences name. The check reports the roles it found.
 */
public final class BucketPolicyCheck extends BucketCheck {

    /** What must be denied to everyone but named roles: each would remove history or loosen what keeps it. */
    static final List<String> DESTRUCTIVE = List.of("s3:DeleteObjectVersion", "s3:BypassGovernanceRetention",
            "s3:PutObjectRetention", "s3:PutBucketVersioning", "s3:PutLifecycleConfiguration", "s3:PutBucketPolicy",
            "s3:DeleteBucketPolicy", "s3:PutBucketObjectLockConfiguration");

    /** The object actions of {@link #DESTRUCTIVE}; the others act on the bucket itself. */
    private static final Set<String> ON_OBJECTS = Set.of("s3:DeleteObjectVersion", "s3:BypassGovernanceRetention",
            "s3:PutObjectRetention");

    private static final Set<String> EXEMPTING_OPERATORS = Set.of("arnnotequals", "arnnotlike", "stringnotequals",
            "stringnotlike");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "bucket-policy";
    }

    @Override
    public String description() {
        return "the bucket policy grants no one outside the deployment, and denies removing history to all but"
                + " named roles";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, DoctorContext.Bucket bucket) {
        String policy;
        try {
            policy = bucket.client().getBucketPolicy(r -> r.bucket(bucket.name())).policy();
        } catch (SdkException e) {
            if ("NoSuchBucketPolicy".equals(BucketCheck.errorCode(e))) {
                return CheckResult.warn(name(), "no bucket policy on " + bucket.name() + ": it grants nothing, and"
                        + " denies no one " + String.join(", ", DESTRUCTIVE), remedy(bucket.name()));
            }
            return BucketCheck.unreadable(name(), "policy", "s3:GetBucketPolicy", e);
        }
        return review(policy, bucket.name());
    }

    /** The verdict on one policy document of the bucket {@code bucketName}. */
    static CheckResult review(String policyJson, String bucketName) {
        String name = "bucket-policy";
        List<Statement> statements;
        try {
            statements = statements(JSON.readTree(policyJson));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return CheckResult.fail(name, "the bucket policy of " + bucketName + " cannot be read: " + e.getMessage(),
                    remedy(bucketName));
        }
        Set<String> ownRoles = new TreeSet<>();
        for (Statement s : statements) {
            if (s.deny()) {
                ownRoles.addAll(s.exemptRoles());
            }
        }
        List<String> grants = new ArrayList<>();
        for (Statement s : statements) {
            if (s.deny()) {
                continue;
            }
            List<String> outsiders = s.notPrincipal() ? List.of("everyone but " + String.join(", ", s.principals()))
                    : s.principals().stream().filter(p -> !ownRoles.contains(p)).toList();
            if (!outsiders.isEmpty()) {
                grants.add(s.label() + " allows " + String.join(", ", s.actions()) + " to "
                        + String.join(", ", outsiders));
            }
        }
        String roles = ownRoles.isEmpty() ? "none named" : String.join(", ", ownRoles);
        if (!grants.isEmpty()) {
            return CheckResult.fail(name, String.join("; ", grants) + ": outside this deployment's roles (" + roles
                    + ")", remedy(bucketName));
        }
        String partition = partition(statements);
        List<String> open = DESTRUCTIVE.stream()
                .filter(action -> statements.stream().noneMatch(s -> s.deniesToAllButNamedRoles(action,
                        ON_OBJECTS.contains(action) ? objectsOf(partition, bucketName)
                                : List.of("arn:" + partition + ":s3:::" + bucketName))))
                .toList();
        if (!open.isEmpty()) {
            return CheckResult.warn(name, "not denied to every principal but named roles: " + String.join(", ", open)
                    + " (an account administrator, or a stolen credential, could remove history)", remedy(bucketName));
        }
        return CheckResult.pass(name, "grants nothing outside this deployment's roles (" + roles + "); denies the "
                + DESTRUCTIVE.size() + " actions that remove history to every principal it does not name");
    }

    private static String remedy(String bucketName) {
        return "apply terraform/ as its break-glass role (break_glass_role_arn; once the module's policy is on, no one"
                + " else may change it): the policy it writes on " + bucketName + " grants nothing and denies these"
                + " to all but that role (docs/deploy.md, Break glass)";
    }

    /** The object ARNs a Deny must cover: every prefix of the archive. */
    private static List<String> objectsOf(String partition, String bucketName) {
        return List.of("arn:" + partition + ":s3:::" + bucketName + "/logs/x",
                "arn:" + partition + ":s3:::" + bucketName + "/digests/x");
    }

    private static String partition(List<Statement> statements) {
        for (Statement s : statements) {
            for (String r : s.resources()) {
                if (r.startsWith("arn:") && r.indexOf(':', 4) > 4) {
                    return r.substring(4, r.indexOf(':', 4));
                }
            }
        }
        return "aws";
    }

    private static List<Statement> statements(JsonNode policy) {
        JsonNode node = policy.path("Statement");
        List<Statement> statements = new ArrayList<>();
        if (node.isObject()) {
            statements.add(Statement.of(node, 1));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                statements.add(Statement.of(node.get(i), i + 1));
            }
        } else {
            throw new IllegalArgumentException("no Statement");
        }
        return statements;
    }

    /**
     * One statement, as far as this check reads it.
     *
     * @param principals   "*" for everyone, else each principal by its ARN or service name
     * @param notPrincipal whether {@code principals} are a NotPrincipal (everyone but them)
     * @param notAction    whether {@code actions} are a NotAction
     * @param notResource  whether {@code resources} are a NotResource
     * @param exemptions   the values of conditions that exempt principals by aws:PrincipalArn; null when the
     *                     statement has any other condition (then it holds only sometimes)
     */
    private record Statement(String label, boolean deny, List<String> principals, boolean notPrincipal,
                             List<String> actions, boolean notAction, List<String> resources, boolean notResource,
                             List<String> exemptions) {

        static Statement of(JsonNode node, int index) {
            String sid = node.path("Sid").asText("");
            String label = sid.isEmpty() ? "statement " + index : "statement " + sid;
            boolean notPrincipal = node.has("NotPrincipal");
            boolean notAction = node.has("NotAction");
            boolean notResource = node.has("NotResource");
            return new Statement(label, "Deny".equals(node.path("Effect").asText()),
                    principals(node.path(notPrincipal ? "NotPrincipal" : "Principal")), notPrincipal,
                    strings(node.path(notAction ? "NotAction" : "Action")), notAction,
                    strings(node.path(notResource ? "NotResource" : "Resource")), notResource,
                    exemptions(node.path("Condition")));
        }

        private static List<String> principals(JsonNode principal) {
            if (principal.isTextual()) {
                return List.of(principal.asText());
            }
            List<String> all = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = principal.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> kind = it.next();
                for (String value : strings(kind.getValue())) {
                    all.add(kind.getKey().equals("AWS") && value.matches("[0-9]{12}")
                            ? "arn:aws:iam::" + value + ":root" : value);
                }
            }
            return all;
        }

        private static List<String> strings(JsonNode node) {
            if (node.isTextual()) {
                return List.of(node.asText());
            }
            List<String> values = new ArrayList<>();
            node.forEach(v -> values.add(v.asText()));
            return values;
        }

        private static List<String> exemptions(JsonNode condition) {
            Set<String> exempt = new LinkedHashSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = condition.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> operator = it.next();
                for (Iterator<Map.Entry<String, JsonNode>> keys = operator.getValue().fields(); keys.hasNext(); ) {
                    Map.Entry<String, JsonNode> key = keys.next();
                    boolean exempting = EXEMPTING_OPERATORS.contains(operator.getKey().toLowerCase(Locale.ROOT))
                            && key.getKey().equalsIgnoreCase("aws:PrincipalArn");
                    if (!exempting) {
                        return null;
                    }
                    exempt.addAll(strings(key.getValue()));
                }
            }
            return List.copyOf(exempt);
        }

        /** The roles this Deny exempts by their exact ARN (patterns and other principals name no role). */
        List<String> exemptRoles() {
            return exemptions == null ? List.of()
                    : exemptions.stream().filter(e -> ROLE_ARN.matcher(e).matches()).toList();
        }

        /** Whether this statement denies {@code action} on every one of {@code arns} to everyone but exact roles. */
        boolean deniesToAllButNamedRoles(String action, List<String> arns) {
            boolean everyone = !notPrincipal && principals.stream().anyMatch("*"::equals);
            return deny && everyone && exemptions != null && exemptRoles().size() == exemptions.size()
                    && notAction != actions.stream().anyMatch(a -> glob(a, action, true))
                    && arns.stream().allMatch(arn -> notResource
                            != resources.stream().anyMatch(r -> glob(r, arn, false)));
        }

        /** IAM's wildcards: {@code *} any run of characters, {@code ?} one; actions ignore case. */
        private static boolean glob(String pattern, String value, boolean ignoreCase) {
            StringBuilder regex = new StringBuilder();
            for (char c : pattern.toCharArray()) {
                regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
            }
            return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0).matcher(value)
                    .matches();
        }
    }
}
