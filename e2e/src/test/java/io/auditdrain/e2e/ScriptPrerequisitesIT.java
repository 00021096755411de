package io.auditdrain.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's commands set up a fresh machine (scripts/lib/prerequisites.sh): on a PATH without shellcheck,
 * moto_server and terraform, they install the Debian package in one announced line, and name every tool they cannot
 * install with the command that installs it. apt-get is the one stand-in: a script on PATH that records its
 * arguments and "installs" shellcheck by linking the real one, since a test must not change the machine's packages.
 */
class ScriptPrerequisitesIT {

    private static final Set<String> HIDDEN = Set.of("shellcheck", "moto_server", "terraform", "apt-get");

    @TempDir
    Path dir;

    private Path machineBin;
    private Path aptBin;
    private Path installedBin;

    /** A PATH with every command of this machine but the hidden ones, as on a machine that lacks them. */
    @BeforeEach
    void machineWithoutTheHiddenTools() throws IOException {
        machineBin = Files.createDirectories(dir.resolve("machine-bin"));
        for (String entry : System.getenv("PATH").split(":")) {
            Path folder = Path.of(entry);
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> files = Files.list(folder)) {
                for (Path tool : files.toList()) {
                    Path link = machineBin.resolve(tool.getFileName().toString());
                    if (!HIDDEN.contains(link.getFileName().toString()) && !Files.exists(link, LinkOption.NOFOLLOW_LINKS)
                            && Files.isExecutable(tool)) {
                        Files.createSymbolicLink(link, tool.toAbsolutePath());
                    }
                }
            }
        }
        aptBin = Files.createDirectories(dir.resolve("apt-bin"));
        installedBin = Files.createDirectories(dir.resolve("installed-bin"));
    }

    /** The links themselves, before JUnit's clean-up, which warns about each link that points out of its folder. */
    @AfterEach
    void removeLinks() throws IOException {
        for (Path folder : List.of(machineBin, installedBin)) {
            try (Stream<Path> links = Files.list(folder)) {
                for (Path link : links.toList()) {
                    Files.delete(link);
                }
            }
        }
    }

    @Test
    void a_missing_tool_is_named_with_the_command_that_installs_it_and_nothing_runs() throws Exception {
        ScriptRun test = run(Map.of("AUDITDRAIN_NO_INSTALL", "1"), "scripts/test");
        assertEquals(2, test.exitCode(), test.output());
        assertTrue(test.output().contains("missing prerequisites"), test.output());
        assertTrue(test.output().contains("shellcheck: Debian package shellcheck (sudo apt-get install -y shellcheck)"),
                test.output());
        assertTrue(test.output().contains("pip install 'moto[server]"), test.output());
        assertTrue(test.output().contains("PyPI, which these scripts never try"), test.output());
        assertTrue(test.output().contains("terraform 1.11 or newer"), test.output());
        assertFalse(test.output().contains("mvn verify"), "stops before the build: " + test.output());
    }

    @Test
    void a_missing_debian_package_is_installed_in_one_announced_line_and_the_command_goes_on() throws Exception {
        assumeRoot();
        writeApt("""
                echo "apt-get $*" >>"%s"
                [[ "$1" != install ]] || ln -sf "%s" "%s/shellcheck"
                """.formatted(dir.resolve("apt.log"), realShellcheck(), installedBin));
        ScriptRun result = run(Map.of(), "bash", "-c", """
                source scripts/lib/common.sh
                source scripts/lib/prerequisites.sh
                ensure_prerequisites java shellcheck
                shellcheck --version >/dev/null && echo "went on with shellcheck"
                """);
        assertEquals(0, result.exitCode(), result.output());
        List<String> announced = result.output().lines().filter(l -> l.contains("installing")).toList();
        assertEquals(List.of("bash: installing from Debian what this machine lacks: shellcheck "
                + "(apt-get; AUDITDRAIN_NO_INSTALL=1 stops this)"), announced, result.output());
        assertTrue(result.output().contains("went on with shellcheck"), result.output());
        List<String> apt = Files.readAllLines(dir.resolve("apt.log"));
        assertEquals(List.of("apt-get update -qq", "apt-get install -y -qq --no-install-recommends shellcheck"), apt);
    }

    @Test
    void a_failed_install_shows_apt_and_names_what_is_still_missing() throws Exception {
        assumeRoot();
        writeApt("""
                echo "E: Unable to locate package shellcheck" >&2
                exit 100
                """);
        ScriptRun result = run(Map.of(), "bash", "-c", """
                source scripts/lib/common.sh
                source scripts/lib/prerequisites.sh
                ensure_prerequisites shellcheck
                echo "must not get here"
                """);
        assertEquals(2, result.exitCode(), result.output());
        assertTrue(result.output().contains("E: Unable to locate package shellcheck"), result.output());
        assertTrue(result.output().contains("apt-get failed (exit status 100)"), result.output());
        assertTrue(result.output().contains("shellcheck: Debian package shellcheck"), result.output());
        assertFalse(result.output().contains("must not get here"), result.output());
    }

    /** Installing is for root (CI, as root) or passwordless sudo, which resets PATH and so would find the real apt-get. */
    private static void assumeRoot() throws IOException {
        assumeTrue(((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0, "installs only as root");
    }

    private void writeApt(String body) throws IOException {
        Path apt = aptBin.resolve("apt-get");
        Files.writeString(apt, "#!/usr/bin/env bash\n" + body);
        Files.setPosixFilePermissions(apt, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String realShellcheck() {
        for (String entry : System.getenv("PATH").split(":")) {
            Path tool = Path.of(entry, "shellcheck");
            if (Files.isExecutable(tool)) {
                return tool.toString();
            }
        }
        throw new IllegalStateException("shellcheck is not on PATH: scripts/test installs it");
    }

    /** Runs a command in the repository with this machine's tools minus the hidden ones, the stand-in apt-get first. */
    private ScriptRun run(Map<String, String> environment, String... command) throws IOException, InterruptedException {
        Map<String, String> env = new HashMap<>(Map.of("PATH", aptBin + ":" + machineBin + ":" + installedBin,
                "MOTO_SERVER", "", "AUDITDRAIN_NO_INSTALL", ""));
        env.putAll(environment);
        return ScriptRun.run(dir, env, Duration.ofSeconds(60), List.of(command));
    }
}
