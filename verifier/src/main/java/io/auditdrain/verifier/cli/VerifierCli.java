package io.auditdrain.verifier.cli;

import io.auditdrain.verifier.ConfigurationException;
import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.ExitCodes;
import io.auditdrain.verifier.JsonOutput;
import io.auditdrain.verifier.store.ArchiveReadException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code auditdrain-verifier}: proves that a write by the application's restricted role reaches the drained archive
 * ({@code smoke}), that the setup around it holds ({@code doctor}), that the archive is what its signed digests say
 * ({@code verify-archive}), exports what it holds ({@code search}), and builds an auditor's attestation of a period
 * ({@code attest}).
 */
@Command(name = "auditdrain-verifier", mixinStandardHelpOptions = true, versionProvider = VerifierCli.Version.class,
        usageHelpWidth = 100, usageHelpAutoWidth = true,
        subcommands = {SmokeCommand.class, DoctorCommand.class, VerifyArchiveCommand.class, SearchCommand.class,
            AttestCommand.class, CommandLine.HelpCommand.class},
        description = {
            "Proves end to end that a write by the application's restricted Postgres role is captured in the"
                    + " write-only log archive, and checks the setup around it; checks the archive against its signed"
                    + " digests, exports the statements it holds, and attests a period for an auditor.",
            "",
            "Database URLs are read from environment variables only (AUDITDRAIN_APP_DATABASE_URL for the restricted"
                    + " role, DATABASE_URL for the owner with --set-role); S3 access uses AWS_REGION, the AWS"
                    + " credential chain and AWS_ENDPOINT_URL for emulators.",
            "",
            "Exit status: 0 pass, 1 a check failed or the tracer was not found in time, 2 usage, configuration or"
                    + " connection error."})
public final class VerifierCli implements Runnable {

    @Spec
    CommandSpec spec;

    private final Environment environment;
    private final Clock clock;

    public VerifierCli(Environment environment, Clock clock) {
        this.environment = environment;
        this.clock = clock;
    }

    Environment environment() {
        return environment;
    }

    Clock clock() {
        return clock;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "choose a command: smoke, doctor, verify-archive, search or attest");
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(execute(Environment.system(), Clock.systemUTC(), out, err, args));
    }

    /** Runs the CLI with the given environment, clock and writers; returns the exit code. */
    public static int execute(Environment env, Clock clock, PrintWriter out, PrintWriter err, String... args) {
        return commandLine(env, clock, out, err).execute(args);
    }

    static CommandLine commandLine(Environment env, Clock clock, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new VerifierCli(env, clock));
        cl.setOut(out);
        cl.setErr(err);
        cl.setDefaultValueProvider(new EnvironmentDefaults(env));
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setExitCodeExceptionMapper(e -> ExitCodes.ERROR);
        cl.setExecutionStrategy(VerifierCli::refuseUnmatchedThenRun);
        cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.ERROR);
        cl.getCommandSpec().exitCodeOnExecutionException(ExitCodes.ERROR);
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.ERROR);
            sub.getCommandSpec().exitCodeOnExecutionException(ExitCodes.ERROR);
        }
        return cl;
    }

    /**
     * picocli skips its check of unmatched arguments when help is asked for, so {@code verifier UNKNOWN --help}
     * would print the top-level usage and exit 0: a script could not tell a missing command from a present one.
     */
    private static int refuseUnmatchedThenRun(ParseResult parseResult) {
        for (ParseResult level = parseResult; level != null; level = level.subcommand()) {
            if (!level.unmatched().isEmpty()) {
                throw new CommandLine.UnmatchedArgumentException(level.commandSpec().commandLine(), level.unmatched());
            }
        }
        return new CommandLine.RunLast().execute(parseResult);
    }

    /**
     * Every failure to run is exit code 2 with one line on stderr (and, with {@code --json}, an ERROR document on
     * stdout so that CI always has JSON to read). No stack trace: the messages are written for operators.
     */
    static final class ErrorHandler implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parseResult) {
            String message = e instanceof ConfigurationException ? e.getMessage()
                    : "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage();
            message = message == null ? e.getClass().getSimpleName() : message.replace('\n', ' ');
            String kind = e instanceof ArchiveReadException ? "store error" : "error";
            cmd.getErr().println(kind + ": " + message);
            cmd.getErr().flush();
            ParseResult sub = parseResult.subcommand() != null ? parseResult.subcommand() : parseResult;
            if (sub.hasMatchedOption("--json")) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("command", sub.commandSpec().name());
                doc.put("result", "ERROR");
                doc.put("error", message);
                cmd.getOut().println(JsonOutput.write(doc));
                cmd.getOut().flush();
            }
            return ExitCodes.ERROR;
        }
    }

    /** This verifier's version, from the jar's manifest ({@code development build} outside the jar). */
    public static String version() {
        String v = VerifierCli.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = VerifierCli.class.getPackage().getImplementationVersion();
            return new String[] {"auditdrain-verifier " + (v == null ? "(development build)" : v)};
        }
    }
}
