package io.auditdrain.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.auditdrain.verifier.schedule.ScheduleConfig;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

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

    private static Set<String> readByCode() {
        Set<String> names = new TreeSet<>();
        for (Class<?> type : new Class<?>[] {SmokeCommand.class, DoctorCommand.class, TargetOptions.class,
                ConnectionOptions.class}) {
            for (Field field : type.getDeclaredFields()) {
                FromEnvironment from = field.getAnnotation(FromEnvironment.class);
                if (from != null) {
                    names.add(from.value());
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
