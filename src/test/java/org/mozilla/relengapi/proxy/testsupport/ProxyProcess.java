package org.mozilla.relengapi.proxy.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real jar (target/relengapi-proxy.jar, built by `mvn package`) run as a separate process on Java 25; also any
 * other process a test runs (a servlet container), with stdout and stderr captured.
 */
public final class ProxyProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on [^ ]+:(\\d+)");

    private final Process process;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Thread[] pumps;

    /** Processes still running when the test JVM exits (a killed fork, a failed test) are killed with it. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ProxyProcess::kill), "kill-test-processes"));
    }

    private ProxyProcess(Process process) {
        this.process = process;
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
        pumps = new Thread[] {pump(process.getInputStream(), stdout), pump(process.getErrorStream(), stderr)};
    }

    public static Path jar() {
        String path = System.getProperty("relengapi.proxy.jar");
        if (path == null) {
            throw new IllegalStateException("run through failsafe: the relengapi.proxy.jar system property is not set");
        }
        return Path.of(path);
    }

    public static ProxyProcess start(List<String> args) throws IOException {
        return start(List.of(), args);
    }

    /** The jar on Java 25, as the image runs it (skips the test where there is no JDK 25, see {@link Java25}). */
    public static ProxyProcess start(List<String> jvmOptions, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Java25.java().toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(args);
        return new ProxyProcess(builder(command).start());
    }

    /** Any command (a servlet container, its setup), in {@code directory}, its output captured the same way. */
    public static ProxyProcess startCommand(List<String> command, Path directory) throws IOException {
        return startCommand(command, directory, Map.of());
    }

    /** As {@link #startCommand(List, Path)}, with {@code environment} added to the child's. */
    public static ProxyProcess startCommand(List<String> command, Path directory, Map<String, String> environment)
        throws IOException {
        ProcessBuilder builder = builder(command).directory(directory.toFile());
        builder.environment().putAll(environment);
        return new ProxyProcess(builder.start());
    }

    /**
     * The JVM options a CI image may set would make every child JVM print "Picked up ..." on stderr, where tests
     * expect exactly the program's own lines.
     */
    private static ProcessBuilder builder(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS"));
        return builder;
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end; false if it is still running after {@code timeout}. */
    public boolean waitForQuietly(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs to completion and returns the exit status. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            // A script (make-runtime.sh) killed outright runs no EXIT trap: what it started goes too.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("the proxy did not exit within " + timeout + "; stderr:\n" + stderr());
        }
        for (Thread pump : pumps) {
            pump.join(5000);
        }
        return process.exitValue();
    }

    /** Waits for the "listening on" line and returns the port. */
    public int awaitListening(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(stderr());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the proxy did not report listening; stderr:\n" + stderr());
    }

    /**
     * SIGTERM, as docker stop sends it. Through the ProcessHandle: Process.destroy() also closes this side's stdout
     * and stderr pipes, so whatever the process prints while it stops (or printed but was not read yet) would be lost.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    public String stdout() {
        synchronized (stdout) {
            return stdout.toString(StandardCharsets.UTF_8);
        }
    }

    public String stderr() {
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    /** Kills the process (and anything it started) and waits for it to be gone. */
    @Override
    public void close() {
        kill(process);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    synchronized (sink) {
                        sink.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // The process ended.
            }
        }, "proxy-output");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
