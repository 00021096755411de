package io.auditdrain.core;

/** A string that is not a valid Heroku app name was about to become part of a key or a parameter path. */
public final class InvalidAppNameException extends IllegalArgumentException {
    public InvalidAppNameException(String name) {
        super("not a valid Heroku app name (3-30 of a-z, 0-9 and '-', starting with a letter): "
                + (name == null ? "null" : '"' + printable(name) + '"'));
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
