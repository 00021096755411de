package io.auditdrain.verifier.attest;

import io.auditdrain.verifier.ConfigurationException;
import io.auditdrain.verifier.Environment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Prints the report's HTML to PDF with headless Chromium, the same page a person opens: no second renderer to drift
 * from it. Chromium runs with the flags that keep it offline and quiet (no background networking, component updates,
 * sync or first-run work) in a fresh profile that is deleted afterwards; the page itself loads nothing (its
 * Content-Security-Policy forbids it).
 */
public final class ChromiumPdf {

    /** Where to look when neither {@code --chromium} nor AUDITDRAIN_CHROMIUM names the browser. */
    static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final Path browser;

    private ChromiumPdf(Path browser) {
        this.browser = browser;
    }

    /**
     * The browser at {@code path}, or the first of {@link #NAMES} on the PATH.
     *
     * @throws ConfigurationException naming what to install when there is none
     */
    public static ChromiumPdf locate(String path, Environment env) {
        if (path != null) {
            Path p = Path.of(path);
            if (!Files.isExecutable(p)) {
                throw new ConfigurationException("--chromium " + path + " is not an executable file");
            }
            return new ChromiumPdf(p);
        }
        String dirs = env.get("PATH").orElse("");
        for (String name : NAMES) {
            for (String dir : dirs.split(java.io.File.pathSeparator)) {
                Path candidate = dir.isEmpty() ? null : Path.of(dir, name);
                if (candidate != null && Files.isExecutable(candidate)) {
                    return new ChromiumPdf(candidate);
                }
            }
        }
        throw new ConfigurationException("--pdf needs Chromium (headless), and none was found on the PATH ("
                + String.join(", ", NAMES) + "): install it (Debian: apt-get install chromium) or name it with"
                + " --chromium PATH or AUDITDRAIN_CHROMIUM");
    }

    public Path browser() {
        return browser;
    }

    /** The command line that prints {@code html} to {@code pdf} with the profile {@code profile}. */
    List<String> command(Path html, Path pdf, Path profile) {
        List<String> command = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-sync", "--user-data-dir=" + profile, "--no-pdf-header-footer",
                "--print-to-pdf=" + pdf.toAbsolutePath()));
        command.add(html.toAbsolutePath().toUri().toString());
        return command;
    }

    /** Prints {@code html} to {@code pdf}; a {@link ConfigurationException} with Chromium's last words when it fails. */
    public void print(Path html, Path pdf) {
        Path profile = null;
        try {
            profile = Files.createTempDirectory("auditdrain-chromium-");
            Files.deleteIfExists(pdf);
            Process process = new ProcessBuilder(command(html, pdf, profile)).redirectErrorStream(true).start();
            process.getOutputStream().close();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            Thread drain = new Thread(() -> copy(process.getInputStream(), output), "chromium-output");
            drain.setDaemon(true);
            drain.start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new ConfigurationException("Chromium did not print the PDF within " + TIMEOUT.toMinutes()
                        + " minutes (" + browser + ")");
            }
            drain.join(5000);
            if (process.exitValue() != 0 || !Files.isRegularFile(pdf) || Files.size(pdf) == 0) {
                throw new ConfigurationException("Chromium (" + browser + ") did not print " + pdf + ": exit status "
                        + process.exitValue() + "; " + tail(output.toString(StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new ConfigurationException("could not run Chromium (" + browser + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigurationException("interrupted while Chromium printed the PDF", e);
        } finally {
            delete(profile);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the process ended; what it said so far is enough
        }
    }

    /** The last lines Chromium wrote, without its routine complaints about a missing D-Bus. */
    private static String tail(String output) {
        List<String> lines = output.lines().filter(l -> !l.contains("dbus")).toList();
        return lines.isEmpty() ? "it said nothing" : String.join(" | ", lines.subList(Math.max(0, lines.size() - 3),
                lines.size()));
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp profile left behind is harmless
        }
    }
}
