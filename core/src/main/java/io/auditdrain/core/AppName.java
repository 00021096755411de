package io.auditdrain.core;

import java.util.regex.Pattern;

/**
 * A Heroku app name as it may appear in an object key: 3 to 30 characters, lower-case letters, digits and dashes,
 * starting with a letter and not ending with a dash (Heroku's own rules). Nothing else reaches a key.
 */
public final class AppName {

    private static final Pattern VALID = Pattern.compile("[a-z][a-z0-9-]{1,28}[a-z0-9]");

    private AppName() {
    }

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /** Returns {@code name} if it is valid; throws {@link InvalidAppNameException} otherwise. */
    public static String require(String name) {
        if (!isValid(name)) {
            throw new InvalidAppNameException(name);
        }
        return name;
    }
}
