package io.auditdrain.verifier.attest;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The attestation as one self-contained HTML file: the jte template {@code attestation.jte} (compiled to Java at
 * build time, every value escaped for HTML), its stylesheet, Chart.js and the page's chart script inlined, and the
 * charts' data embedded as JSON. A Content-Security-Policy of {@code default-src 'none'} keeps the page from loading
 * anything, so it opens the same offline as online.
 */
public final class AttestationPage {

    /** The Chart.js build the report inlines, from its WebJar (MIT), whose version its Maven metadata names. */
    static final String CHART_JS_VERSION = chartJsVersion();
    private static final String CHART_JS = "/META-INF/resources/webjars/chart.js/" + CHART_JS_VERSION
            + "/dist/chart.umd.min.js";

    private static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(ContentType.Html);

    /** What the template is given. */
    public record View(Attestation attestation, String css, String chartJs, String chartJsVersion, String chartData,
                       String chartScript) {
    }

    private AttestationPage() {
    }

    public static String render(Attestation a) {
        View view = new View(a, resource("attestation.css"), resource(CHART_JS), CHART_JS_VERSION,
                AttestationJson.forScript(ChartData.of(a)), resource("attestation-charts.js"));
        StringOutput out = new StringOutput();
        TEMPLATES.render("attestation.jte", view, out);
        return out.toString();
    }

    private static String chartJsVersion() {
        Properties maven = new Properties();
        try (InputStream in = AttestationPage.class.getResourceAsStream(
                "/META-INF/maven/org.webjars.npm/chart.js/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the verifier's jar lacks Chart.js's WebJar");
            }
            maven.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return maven.getProperty("version");
    }

    private static String resource(String name) {
        try (InputStream in = AttestationPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the verifier's jar lacks " + name);
            }
            // Inlined into a script or style element: nothing in these files may end it early.
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.replace("</script", "<\\/script").replace("</style", "<\\/style");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
