package io.auditdrain.verifier;

/** Logged text shown on one terminal line: backslash, LF, CR and TAB written as escapes, reversibly. */
public final class PrintableText {

    private PrintableText() {
    }

    public static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    }
}
