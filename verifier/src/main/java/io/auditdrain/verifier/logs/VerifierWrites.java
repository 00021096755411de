package io.auditdrain.verifier.logs;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The verifier's own writes as the archive shows them: smoke's tracer INSERT (its tag, {@code pgaudit-smoke-...}, in
 * the statement) and doctor's capture probe (every probe statement starts with the comment
 * {@code /* auditdrain-probe-<epoch>-<random> *}{@code /}).
 *
 * <p>Text proves nothing about who wrote it: anyone can write a tag into a statement or call their session
 * {@code auditdrain-verifier}. So a line is the verifier's only where the role that logged in ({@code user=}) is the
 * restricted role, whose writes are allowed anyway: recognising them changes how they are reported, never whether a
 * write is a finding. The same statement logged under any other role (the owner's, when smoke or doctor ran with
 * {@code --set-role}, or an application disguising its writes) is that role's write.
 */
public final class VerifierWrites {

    /** What the verifier wrote. */
    public enum Kind { TRACER, PROBE }

    /** smoke's tag ({@code TracerWriter.newTag}). */
    public static final Pattern TRACER_TAG = Pattern.compile("pgaudit-smoke-\\d+-[a-z2-7]{10}");
    /** doctor's probe tag, which opens every probe statement as a comment. */
    public static final Pattern PROBE_TAG = Pattern.compile("auditdrain-probe-\\d+-[a-z2-7]{10}");
    private static final Pattern PROBE_STATEMENT = Pattern.compile("\\A\\s*/\\* " + PROBE_TAG.pattern() + " \\*/");

    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private VerifierWrites() {
    }

    /** {@code auditdrain-probe-<epoch seconds>-<10 random base32 characters>}: unique per doctor run. */
    public static String newProbeTag(Instant now) {
        StringBuilder sb = new StringBuilder("auditdrain-probe-").append(now.getEpochSecond()).append('-');
        for (int i = 0; i < 10; i++) {
            sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    /** The comment that opens each probe statement, so that the logged statement carries the tag. */
    public static String probeComment(String tag) {
        if (!PROBE_TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("not a probe tag: " + tag);
        }
        return "/* " + tag + " */ ";
    }

    /**
     * Whether a logged statement is the verifier's own.
     *
     * @param commands       what the statement does to tables ({@code INSERT}, {@code UPDATE}, ...), as
     *                       {@link io.auditdrain.verifier.db.SqlText#writes} reads it
     * @param restrictedRole the role whose lines alone can be the verifier's
     */
    public static Optional<Kind> recognise(PostgresLogEntry entry, Set<String> commands, String restrictedRole) {
        if (restrictedRole == null || !entry.user().filter(restrictedRole::equals).isPresent()) {
            return Optional.empty();
        }
        if (PROBE_STATEMENT.matcher(entry.statement()).lookingAt()) {
            return Optional.of(Kind.PROBE);
        }
        if (commands.equals(Set.of("INSERT")) && TRACER_TAG.matcher(entry.statement()).find()) {
            return Optional.of(Kind.TRACER);
        }
        return Optional.empty();
    }

    /** Whether the statement carries either mark at all, whoever logged it (for a finding's explanation only). */
    public static boolean carriesMark(String statement) {
        return TRACER_TAG.matcher(statement).find() || PROBE_TAG.matcher(statement).find();
    }
}
