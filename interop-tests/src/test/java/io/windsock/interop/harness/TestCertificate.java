package io.windsock.interop.harness;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made at test time with the
 * JDK's {@code keytool} (no key is ever committed), as a PKCS#12 store and as PEM files.
 */
public final class TestCertificate {
    private static final char[] PASSWORD = "test-only".toCharArray();

    private final KeyStore store;
    private final Path certificatePem;
    private final Path privateKeyPem;
    private final String certificateText;

    private TestCertificate(KeyStore store, Path certificatePem, Path privateKeyPem, String certificateText) {
        this.store = store;
        this.certificatePem = certificatePem;
        this.privateKeyPem = privateKeyPem;
        this.certificateText = certificateText;
    }

    /** Generates a new key pair and certificate in {@code folder} (a test's temporary folder). */
    public static TestCertificate generate(Path folder) throws Exception {
        Path p12 = folder.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            store.load(in, PASSWORD);
        }
        Certificate certificate = store.getCertificate("server");
        PrivateKey key = (PrivateKey) store.getKey("server", PASSWORD);
        String certificateText = pem("CERTIFICATE", certificate.getEncoded());
        Path certificatePem = Files.writeString(folder.resolve("server.crt"), certificateText);
        Path privateKeyPem = Files.writeString(folder.resolve("server.key"), pem("PRIVATE KEY", key.getEncoded()));
        return new TestCertificate(store, certificatePem, privateKeyPem, certificateText);
    }

    /** @return the certificate, PEM (what a client trusts: Node's {@code ca} option). */
    public String certificateText() {
        return certificateText;
    }

    public Path certificatePem() {
        return certificatePem;
    }

    /** @return the unencrypted PKCS#8 private key, PEM. */
    public Path privateKeyPem() {
        return privateKeyPem;
    }

    public KeyManagerFactory keyManagerFactory() throws Exception {
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, PASSWORD);
        return factory;
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
