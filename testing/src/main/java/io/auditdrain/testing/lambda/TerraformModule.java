package io.auditdrain.testing.lambda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads what a test needs from the Terraform module itself (terraform/*.tf), so that the function a test runs is
 * configured as the deployment configures it: the handler string and runtime of an {@code aws_lambda_function}, and
 * the defaults of the module's variables. Only the simple literal forms the module uses are understood; anything
 * else fails loudly rather than being guessed.
 */
public final class TerraformModule {

    private final Path directory;
    private final String source;

    private TerraformModule(Path directory, String source) {
        this.directory = directory;
        this.source = source;
    }

    /** The module in {@code directory} (every *.tf file directly in it). */
    public static TerraformModule at(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            StringBuilder all = new StringBuilder();
            for (Path file : files.filter(f -> f.toString().endsWith(".tf")).sorted().toList()) {
                all.append(Files.readString(file)).append('\n');
            }
            return new TerraformModule(directory, all.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository's terraform/ directory, found from the system property {@code auditdrain.root}. */
    public static TerraformModule ofRepository() {
        String root = System.getProperty("auditdrain.root");
        if (root == null) {
            throw new IllegalStateException("set -Dauditdrain.root to the repository's root directory");
        }
        return at(Path.of(root, "terraform"));
    }

    /** A string attribute of a resource, e.g. {@code attribute("aws_lambda_function", "receiver", "handler")}. */
    public String attribute(String type, String name, String attribute) {
        String block = block("resource \"" + type + "\" \"" + name + "\"");
        return quoted(block, attribute, "resource " + type + "." + name);
    }

    /** A number attribute of a resource, e.g. {@code number("aws_lambda_function", "digester", "memory_size")}. */
    public long number(String type, String name, String attribute) {
        String block = block("resource \"" + type + "\" \"" + name + "\"");
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(attribute) + "\\s*=\\s*([0-9]+)\\s*$").matcher(block);
        if (!m.find()) {
            throw new IllegalStateException("resource " + type + "." + name + " has no literal number " + attribute
                    + " in " + directory);
        }
        return Long.parseLong(m.group(1));
    }

    /** The literal default of a variable, without quotes for a string. */
    public String variableDefault(String variable) {
        String block = block("variable \"" + variable + "\"");
        Matcher m = Pattern.compile("(?m)^\\s*default\\s*=\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[0-9.]+|true|false)\\s*$")
                .matcher(block);
        if (!m.find()) {
            throw new IllegalStateException("variable " + variable + " has no literal default in " + directory);
        }
        return m.group(2) != null ? m.group(2).replace("\\\"", "\"").replace("\\\\", "\\") : m.group(1);
    }

    private static String quoted(String block, String attribute, String where) {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(attribute) + "\\s*=\\s*\"([^\"]*)\"").matcher(block);
        if (!m.find()) {
            throw new IllegalStateException(where + " has no literal " + attribute);
        }
        return m.group(1);
    }

    /** The text of the block that starts with {@code header}, up to its matching closing brace. */
    private String block(String header) {
        int start = source.indexOf(header + " {");
        if (start < 0) {
            throw new IllegalStateException("no " + header + " in " + directory);
        }
        int depth = 0;
        boolean inString = false;
        for (int i = source.indexOf('{', start); i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '"' && source.charAt(i - 1) != '\\') {
                inString = !inString;
            } else if (!inString && c == '{') {
                depth++;
            } else if (!inString && c == '}' && --depth == 0) {
                return source.substring(start, i + 1);
            }
        }
        throw new IllegalStateException("unbalanced braces after " + header + " in " + directory);
    }
}
