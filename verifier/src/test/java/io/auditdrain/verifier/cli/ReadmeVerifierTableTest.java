package io.auditdrain.verifier.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.verifier.Environment;
import io.auditdrain.verifier.schedule.ScheduleConfig;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * README.md's verifier table is where the verifier's environment variables are listed: every AUDITDRAIN_ variable the
 * CLI and the scheduled function read is in it, and it lists none they do not read.
 */
class ReadmeVerifierTableTest {

    private static final Pattern VARIABLE = Pattern.compile("`(AUDITDRAIN_[A-Z_]+)`");

    @Test
    void the_readme_lists_exactly_the_variables_the_verifier_reads() throws IOException {
        assertEquals(readByCode(), documented());
    }

    /** Every command of the CLI, and every option group they mix in: a new command cannot be forgotten here. */
    private static Set<String> readByCode() {
        Set<String> names = new TreeSet<>();
        CommandLine cli = VerifierCli.commandLine(Environment.system(), java.time.Clock.systemUTC(),
                new java.io.PrintWriter(java.io.Writer.nullWriter()), new java.io.PrintWriter(java.io.Writer.nullWriter()));
        List<CommandLine> commands = new ArrayList<>(cli.getSubcommands().values());
        for (CommandLine command : commands) {
            List<Object> parts = new ArrayList<>();
            parts.add(command.getCommand());
            command.getCommandSpec().mixins().values().forEach(mixin -> parts.add(mixin.userObject()));
            for (Object part : parts) {
                for (Field field : part.getClass().getDeclaredFields()) {
                    FromEnvironment from = field.getAnnotation(FromEnvironment.class);
                    if (from != null) {
                        names.add(from.value());
                    }
                }
            }
        }
        names.add(ConnectionOptions.APP_URL_VARIABLE);
        names.addAll(Set.of(ScheduleConfig.APP, ScheduleConfig.STORE, ScheduleConfig.DATABASE_URL_PARAMETER,
                ScheduleConfig.METRICS_NAMESPACE, ScheduleConfig.SMOKE_TIMEOUT));
        return names;
    }

    /** The AUDITDRAIN_ variables named in the first column of the table under "### Verifier". */
    private static Set<String> documented() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("### Verifier");
        assertTrue(section >= 0, "README.md has no '### Verifier' section");
        Set<String> names = new TreeSet<>();
        boolean inTable = false;
        for (String line : readme.substring(section).split("\n")) {
            if (line.startsWith("|")) {
                inTable = true;
                Matcher m = VARIABLE.matcher(line.split("\\|")[1]);
                while (m.find()) {
                    names.add(m.group(1));
                }
            } else if (inTable) {
                break;
            }
        }
        return names;
    }
}
