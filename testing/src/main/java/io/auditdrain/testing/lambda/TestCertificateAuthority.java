package io.auditdrain.testing.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A certificate authority made by the test run itself, in a temporary folder, with the JDK's {@code keytool}: no
 * private key is ever committed, and every run has its own. It signs server certificates for the AWS endpoint names a
 * {@link TlsEndpointFront} answers for, and gives the trust store a function's JVM uses: the JDK's own CA certificates
 * (what the managed runtime trusts, so the first handshake loads a trust store of the same size) plus this CA.
 */
final class TestCertificateAuthority {

    /** Protects nothing: the stores hold throwaway keys of this run. PKCS12 stores need some password. */
    static final String STORE_PASSWORD = "auditdrain-test-only";

    private static volatile TestCertificateAuthority instance;

    private final Path directory;
    private final Path caStore;
    private final Path trustStore;
    private final Map<SortedSet<String>, Path> serverStores = new ConcurrentHashMap<>();

    private TestCertificateAuthority(Path directory, Path caStore, Path trustStore) {
        this.directory = directory;
        this.caStore = caStore;
        this.trustStore = trustStore;
    }

    /** This JVM's authority, made on first use (about 1 s of keytool). */
    static TestCertificateAuthority get() {
        if (instance == null) {
            synchronized (TestCertificateAuthority.class) {
                if (instance == null) {
                    instance = create();
                }
            }
        }
        return instance;
    }

    private static TestCertificateAuthority create() {
        try {
            // Outside /tmp: each function has a /tmp of its own, and reads the trust store from here.
            Path directory = Files.createTempDirectory(ExecutionSandbox.environmentsDirectory(), "test-ca-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(directory), "test-ca-cleanup"));
            Path caStore = directory.resolve("ca.p12");
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=auditdrain test run CA", "-ext", "bc:c", "-storetype", "PKCS12",
                    "-keystore", caStore.toString(), "-storepass", STORE_PASSWORD);
            KeyStore ca = load(caStore);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            KeyStore jdk = KeyStore.getInstance(KeyStore.getDefaultType());
            try (InputStream in = Files.newInputStream(Path.of(System.getProperty("java.home"), "lib", "security",
                    "cacerts"))) {
                jdk.load(in, null);
            }
            for (String alias : java.util.Collections.list(jdk.aliases())) {
                if (jdk.isCertificateEntry(alias)) {
                    trust.setCertificateEntry(alias, jdk.getCertificate(alias));
                }
            }
            trust.setCertificateEntry("auditdrain-test-run-ca", ca.getCertificate("ca"));
            Path trustStore = directory.resolve("trust.p12");
            store(trust, trustStore);
            return new TestCertificateAuthority(directory, caStore, trustStore);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The trust store for a function's JVM ({@code javax.net.ssl.trustStore}, PKCS12, {@link #STORE_PASSWORD}). */
    Path trustStore() {
        return trustStore;
    }

    /**
     * A PKCS12 key store (alias {@code server}, {@link #STORE_PASSWORD}) holding a key and a certificate for exactly
     * {@code hostNames}, signed by this authority, with the authority's certificate in its chain.
     */
    Path serverStore(Collection<String> hostNames) {
        SortedSet<String> names = new TreeSet<>(hostNames);
        return serverStores.computeIfAbsent(names, this::issue);
    }

    private Path issue(SortedSet<String> names) {
        try {
            Path dir = Files.createTempDirectory(directory, "server-");
            Path store = dir.resolve("server.p12");
            Path request = dir.resolve("server.csr");
            Path signed = dir.resolve("server.crt");
            keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=" + names.first(), "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", STORE_PASSWORD);
            keytool("-certreq", "-alias", "server", "-keystore", store.toString(), "-storepass", STORE_PASSWORD,
                    "-file", request.toString());
            keytool("-gencert", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", STORE_PASSWORD,
                    "-infile", request.toString(), "-outfile", signed.toString(), "-validity", "2", "-rfc",
                    "-ext", "san=" + String.join(",", names.stream().map(n -> "dns:" + n).toList()),
                    "-ext", "eku=serverAuth");
            KeyStore server = load(store);
            Key key = server.getKey("server", STORE_PASSWORD.toCharArray());
            List<Certificate> chain = new ArrayList<>();
            try (InputStream in = Files.newInputStream(signed)) {
                chain.add(CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            chain.add(load(caStore).getCertificate("ca"));
            server.setKeyEntry("server", key, STORE_PASSWORD.toCharArray(), chain.toArray(new Certificate[0]));
            store(server, store);
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyStore load(Path path) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, STORE_PASSWORD.toCharArray());
        }
        return store;
    }

    private static void store(KeyStore store, Path path) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(path)) {
            store.store(out, STORE_PASSWORD.toCharArray());
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        // keytool is a JVM of its own: start it the cheap way.
        command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("keytool " + String.join(" ", args).replace(STORE_PASSWORD, "****")
                        + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while keytool ran", e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
