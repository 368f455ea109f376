package org.mozilla.relengapi.proxy.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throwaway CA and a server certificate for 127.0.0.1 (and a few {@code *.egress.test} names) that it signed, made at test time with the JDK's keytool.
 * {@link #caPem()} is what an operator would pass as --ca-file; {@link #serverKeyStore()} serves HTTPS.
 */
public record TestCertificates(Path caPem, Path serverKeyStore) {
    public static final String PASSWORD = "changeit";
    /** Names only {@link FakeForwardProxy} resolves, for HTTPS through its CONNECT tunnels. */
    private static final String EGRESS_NAMES = "dns:tokens.egress.test,dns:queue.egress.test,dns:tooltool.egress.test";

    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        Path ca = dir.resolve("ca.p12");
        Path server = dir.resolve("server.p12");
        Path caPem = dir.resolve("ca.pem");
        Path request = dir.resolve("server.csr");
        Path signed = dir.resolve("server.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=relengapi-proxy test CA", "-ext", "bc:c",
            "-validity", "2", "-keystore", ca.toString());
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", caPem.toString());
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-validity", "2",
            "-keystore", server.toString());
        keytool("-certreq", "-alias", "server", "-keystore", server.toString(), "-file", request.toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-infile", request.toString(),
            "-outfile", signed.toString(), "-ext", "san=ip:127.0.0.1," + EGRESS_NAMES, "-validity", "2");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", server.toString());
        keytool("-importcert", "-alias", "server", "-file", signed.toString(), "-keystore", server.toString());
        return new TestCertificates(caPem, server);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("keytool " + args[0] + " failed: " + output);
        }
    }
}
