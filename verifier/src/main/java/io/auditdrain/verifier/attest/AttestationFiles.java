package io.auditdrain.verifier.attest;

import io.auditdrain.verifier.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an attestation is written: the HTML report, the JSON document beside it ({@code .json}) and the PDF
 * ({@code .pdf}), all named after the report.
 */
public record AttestationFiles(Path html, Path json, Path pdf) {

    /** The files named after {@code report} ({@code q1.html}: {@code q1.json}, {@code q1.pdf}); checks the folder. */
    public static AttestationFiles at(Path report) {
        Path absolute = report.toAbsolutePath();
        String name = absolute.getFileName().toString();
        String base = name.endsWith(".html") ? name.substring(0, name.length() - 5)
                : name.endsWith(".htm") ? name.substring(0, name.length() - 4) : name;
        Path dir = absolute.getParent();
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new ConfigurationException("cannot write the report in " + dir + ": not a writable folder");
        }
        if (base.isEmpty()) {
            throw new ConfigurationException("--output needs a file name: " + report);
        }
        return new AttestationFiles(dir.resolve(base + ".html"), dir.resolve(base + ".json"),
                dir.resolve(base + ".pdf"));
    }

    /** Writes the JSON document and the HTML report; returns the document. */
    public byte[] write(Attestation a) {
        byte[] document = AttestationJson.document(a);
        try {
            Files.write(json, document);
            Files.writeString(html, AttestationPage.render(a), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException("could not write the attestation: " + e.getMessage(), e);
        }
        return document;
    }
}
