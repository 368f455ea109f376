package org.mozilla.relengapi.proxy.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real standalone servlet container (Tomcat or Jetty, unpacked by Maven before the integration tests) in its
 * own base directory and JVM, on a free loopback port, with target/relengapi-proxy.war deployed under contexts the
 * test chooses, each configured by the external context file the README documents.
 */
public abstract class ServletContainer implements AutoCloseable {
    protected final Path base;
    protected final int port;
    private ProxyProcess process;

    protected ServletContainer(Path base) throws IOException {
        this.base = base;
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
    }

    public static Path war() {
        return Path.of(System.getProperty("relengapi.proxy.war"));
    }

    /** The README's context file for this container, with the proxy's arguments filled in. */
    public static String contextFile(String template, String context, String args) {
        try (InputStream in = ServletContainer.class.getResourceAsStream("/containers/" + template)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@CONTEXT@", context).replace("@ARGS@", args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deploys the WAR as {@code /<context>} with these proxy arguments; call before {@link #start}. */
    public abstract void deploy(String context, String args) throws IOException;

    protected abstract List<String> command();

    /** Starts the container, with {@code environment} added to its own, and waits until {@code readyPath} answers. */
    public void start(String readyPath, Map<String, String> environment) throws Exception {
        process = ProxyProcess.startCommand(command(), base, environment);
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the container exited; its log:\n" + log());
            }
            try {
                // Tomcat accepts connections before its deployments are done: each try needs its own limit.
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(uri(readyPath)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the container did not answer " + readyPath + " within 90 s; its log:\n" + log());
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Everything the container wrote: its stdout and stderr, and any log files under the base. */
    public String log() throws IOException {
        StringBuilder log = new StringBuilder();
        if (process != null) {
            log.append(process.stdout()).append(process.stderr());
        }
        Path logs = base.resolve("logs");
        if (Files.isDirectory(logs)) {
            try (Stream<Path> files = Files.list(logs)) {
                for (Path file : files.toList()) {
                    log.append(Files.readString(file, StandardCharsets.ISO_8859_1));
                }
            }
        }
        return log.toString();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.terminate();
            if (!process.waitForQuietly(Duration.ofSeconds(30))) {
                process.close();
            }
        }
    }

    protected static List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(args));
        return command;
    }
}
