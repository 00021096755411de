package io.auditdrain.testing.lambda;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the harness cannot be as faithful as it should (no root, no cgroups, no mount namespaces, no port 443), it
 * falls back and says so: once per JVM and topic, framed on stderr, so that it stands out in a test run's output.
 */
final class HarnessNotice {

    private static final Set<String> SAID = ConcurrentHashMap.newKeySet();

    private HarnessNotice() {
    }

    static void loudly(String topic, String text) {
        if (SAID.add(topic)) {
            String rule = "!".repeat(100);
            System.err.println(rule + "\nLAMBDA HARNESS: " + text + "\n" + rule);
        }
    }
}
