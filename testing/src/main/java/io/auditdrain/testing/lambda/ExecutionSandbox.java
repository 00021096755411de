package io.auditdrain.testing.lambda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Confines a runtime process as a Lambda execution environment is confined, before it execs the JVM:
 * <ul>
 *   <li>it joins its {@link LambdaCgroup} (CPU and memory of its size);</li>
 *   <li>in a private mount namespace ({@code unshare --mount}), every file system is remounted read-only but {@code
 *       /tmp}, which is the environment's own folder bound over it, as in Lambda (only {@code /tmp} is writable);
 *       {@code /proc}, {@code /sys} and {@code /dev} stay as they are. Mode bits would not do: the tests run as
 *       root, and root ignores them; a read-only mount binds root as well;</li>
 *   <li>its working directory is the task root, as the managed runtime's (the runtime client loads the function
 *       from there).</li>
 * </ul>
 * Only the process and its children see the namespace; the host's mounts are untouched. Where mount namespaces cannot
 * be had (no root, no {@code unshare}), {@link #mountNamespaces} says so loudly, once: the task root and the whole file
 * system stay writable and {@code /tmp} is shared.
 */
final class ExecutionSandbox {

    /**
     * Run by {@code sh -c}: {@code <read-only 0|1> <task root> <tmp> <cgroup.procs>... -- <command>}. Joins the
     * groups first, so that everything after counts against them.
     */
    private static final String SCRIPT = String.join("\n",
            "set -e",
            "readonly=$1; task=$2; tmp=$3; shift 3",
            "while [ \"$1\" != -- ]; do echo $$ > \"$1\"; shift; done; shift",
            "if [ \"$readonly\" = 1 ]; then",
            "  mount --bind \"$tmp\" /tmp",
            "  awk '$4 ~ /^rw/ && $2 !~ /^\\/(proc|sys|dev|tmp)(\\/|$)/ { print $2 }' /proc/self/mounts |",
            "  while read -r point; do",
            "    mount -o remount,bind,ro \"$point\" || { echo \"LAMBDA HARNESS: $point stays writable\" >&2; exit 70; }",
            "  done",
            "  if (: > \"$task/.lambda-write-check\") 2>/dev/null; then",
            "    echo 'LAMBDA HARNESS: the task root is still writable' >&2; exit 70",
            "  fi",
            "fi",
            "cd \"$task\"",
            "exec \"$@\"");

    private static Boolean namespaces;

    private ExecutionSandbox() {
    }

    /** Whether runtimes get a read-only file system and a private /tmp here (checked once; said loudly when not). */
    static synchronized boolean mountNamespaces() {
        if (namespaces == null) {
            String problem = probe();
            namespaces = problem == null;
            if (problem != null) {
                HarnessNotice.loudly("namespaces", "the task root and the whole file system stay WRITABLE for"
                        + " functions and /tmp is shared between environments: " + problem + ". In Lambda only"
                        + " /tmp is writable. Run as root with util-linux's unshare to confine them.");
            }
        }
        return namespaces;
    }

    /**
     * Where environments' folders go: outside /tmp when each gets a private /tmp (it is mounted over /tmp, so a task
     * root under /tmp would vanish behind it).
     */
    static Path environmentsDirectory() throws IOException {
        if (mountNamespaces()) {
            return Files.createDirectories(Path.of(System.getProperty("auditdrain.lambda.environments",
                    "/var/tmp/auditdrain-lambda")));
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** {@code runtime} as a command that confines itself first, as far as this machine allows. */
    static List<String> confine(List<String> runtime, Path taskRoot, Path tmp, Optional<LambdaCgroup> cgroup) {
        boolean readOnly = mountNamespaces();
        if (!readOnly && cgroup.isEmpty()) {
            return runtime;
        }
        List<String> command = new ArrayList<>();
        if (readOnly) {
            command.addAll(List.of("unshare", "--mount", "--propagation", "private", "--"));
        }
        command.addAll(List.of("sh", "-c", SCRIPT, "sh", readOnly ? "1" : "0", taskRoot.toString(), tmp.toString()));
        cgroup.ifPresent(group -> group.procsFiles().forEach(f -> command.add(f.toString())));
        command.add("--");
        command.addAll(runtime);
        return command;
    }

    /** Runs the script once on throwaway folders; null when it works, else what went wrong. */
    private static String probe() {
        Path root = null;
        try {
            root = Files.createTempDirectory(Path.of("/var/tmp"), "lambda-sandbox-probe-");
            Path task = Files.createDirectories(root.resolve("task"));
            Path tmp = Files.createDirectories(root.resolve("tmp"));
            List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--",
                    "sh", "-c", SCRIPT, "sh", "1", task.toString(), tmp.toString(), "--",
                    "sh", "-c", ": > /tmp/writable && ! (: > \"$PWD/not-writable\") 2>/dev/null"));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "unshare did not finish";
            }
            if (process.exitValue() != 0 || !Files.exists(tmp.resolve("writable"))) {
                return "unshare --mount failed (exit " + process.exitValue() + (output.isEmpty() ? "" : ": " + output)
                        + ")";
            }
            return null;
        } catch (IOException e) {
            return "unshare could not run (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            if (root != null) {
                try (Stream<Path> files = Files.walk(root)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // a temp folder left behind is harmless
                }
            }
        }
    }
}
