package dev.edgedispatcher.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test CA and a broker certificate for 127.0.0.1 signed by it, made with the JDK's {@code keytool}:
 * the broker's PKCS12 keystore and the CA as a PEM file (the clients' truststore).
 */
record TestCertificates(Path brokerKeystore, String password, Path caPem) {

    static TestCertificates create(Path dir) throws IOException, InterruptedException {
        String password = "test-keystore-password";
        Path ca = dir.resolve("ca.p12");
        Path caPem = dir.resolve("ca.pem");
        Path broker = dir.resolve("broker.p12");
        Path csr = dir.resolve("broker.csr");
        Path signed = dir.resolve("broker.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=edge-dispatcher test CA",
                "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString(), "-storetype", "PKCS12", "-storepass", password);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", password,
                "-file", caPem.toString());
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "2", "-keystore", broker.toString(), "-storetype", "PKCS12", "-storepass", password);
        keytool("-certreq", "-alias", "broker", "-keystore", broker.toString(), "-storepass", password,
                "-file", csr.toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", password,
                "-infile", csr.toString(), "-outfile", signed.toString(), "-ext", "SAN=IP:127.0.0.1,DNS:localhost",
                "-validity", "2");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", broker.toString(),
                "-storepass", password);
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", signed.toString(), "-keystore", broker.toString(),
                "-storepass", password);
        return new TestCertificates(broker, password, caPem);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
