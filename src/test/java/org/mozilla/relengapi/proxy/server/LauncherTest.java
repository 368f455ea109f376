package org.mozilla.relengapi.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mozilla.relengapi.proxy.testsupport.HttpFake;
import org.mozilla.relengapi.proxy.testsupport.Scripts;
import org.mozilla.relengapi.proxy.testsupport.SecretLeakCheck;
import org.mozilla.relengapi.proxy.testsupport.TaskIds;

class LauncherTest {
    private static final String TOKEN = "launcher-issuing-token-42";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Scripts.Queue tasks = new Scripts.Queue();
    @RegisterExtension
    final HttpFake queue = new HttpFake(tasks);
    @RegisterExtension
    final HttpFake tokenService = new HttpFake(new Scripts.Tokens());

    @BeforeEach
    void registerSecret() {
        SecretLeakCheck.registerSecret(TOKEN);
    }

    private Launcher.Started launch(String... args) {
        Launcher launcher = new Launcher(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        return launcher.start(List.of(args));
    }

    private List<String> argsFor(String taskId) {
        return new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--relengapi-token", TOKEN,
            "--root-url", queue.uri().toString(), "--tokens-url", tokenService.uri("/tokens").toString(), "--", taskId));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpPrintsUsageOnStdoutAndExitsZero() {
        Launcher.Started started = launch("--help");
        assertEquals(0, started.exitStatus());
        assertNull(started.proxy());
        assertTrue(stdout().startsWith("Usage: relengapi-proxy [options] -- <taskId>"), stdout());
        assertEquals("", stderr());
    }

    @Test
    void versionPrintsProgramAndVersion() {
        assertEquals(0, launch("--version").exitStatus());
        assertTrue(stdout().matches("relengapi-proxy \\S+\\R"), stdout());
    }

    @Test
    void badArgumentsPrintOneLineThenUsageOnStderrAndExitTwo() {
        Launcher.Started started = launch("--relengapi-token", TOKEN, "--port", "99999", "--", TaskIds.TASK);
        assertEquals(2, started.exitStatus());
        List<String> lines = stderr().lines().toList();
        assertTrue(lines.get(0).startsWith("relengapi-proxy: --port"), lines.get(0));
        assertTrue(lines.get(1).startsWith("Usage:"), lines.get(1));
        assertEquals("", stdout());
        assertFalse(stderr().contains(TOKEN));
    }

    @Test
    void badArgumentsContactNothing() {
        launch("--relengapi-token", TOKEN, "--root-url", queue.uri().toString(), "--token-lifetime", "1s", "--", TaskIds.TASK);
        assertTrue(queue.requests().isEmpty());
        assertTrue(tokenService.requests().isEmpty());
    }

    @Test
    void unknownTaskExitsOneNamingTheTask() {
        Launcher.Started started = launch(argsFor(TaskIds.TASK).toArray(String[]::new));
        assertEquals(1, started.exitStatus());
        assertNull(started.proxy());
        List<String> lines = stderr().lines().filter(line -> line.startsWith("relengapi-proxy:")).toList();
        assertEquals(1, lines.size(), stderr());
        assertTrue(lines.get(0).contains(TaskIds.TASK) && lines.get(0).contains("404"), lines.get(0));
        assertEquals(1, queue.requests().size(), "a 404 is final: no retry");
        assertTrue(tokenService.requests().isEmpty());
        assertFalse(stderr().contains("\tat "), "no stack trace");
    }

    @Test
    void taskWithoutProxyScopesExitsOneNamingThePrefixAndTask() {
        tasks.add(TaskIds.TASK, List.of("queue:create-task:x", "docker-worker:relengapi-proxy:", "docker-worker:relengapi-proxy:tooltool.*"));
        Launcher.Started started = launch(argsFor(TaskIds.TASK).toArray(String[]::new));
        assertEquals(1, started.exitStatus());
        String line = stderr().lines().filter(l -> l.startsWith("relengapi-proxy:")).findFirst().orElse("");
        assertTrue(line.contains("docker-worker:relengapi-proxy:") && line.contains(TaskIds.TASK), line);
        assertTrue(tokenService.requests().isEmpty());
    }

    @Test
    void transientQueueFailuresAreRetried() throws Exception {
        tasks.add(TaskIds.DASH_TASK, List.of("docker-worker:relengapi-proxy:tooltool.download.public"));
        queue.answerNextWith(2, Scripts.Queue.outage(503));
        Launcher.Started started = launch(argsFor(TaskIds.DASH_TASK).toArray(String[]::new));
        try {
            assertEquals(0, started.exitStatus(), stderr());
            assertEquals(3, queue.requests().size());
            assertEquals("/api/queue/v1/task/" + TaskIds.DASH_TASK, queue.requests().get(2).rawPath());
        } finally {
            started.proxy().close();
        }
    }

    @Test
    void portAlreadyInUseExitsOneWithoutAStackTrace() throws Exception {
        tasks.add(TaskIds.TASK, List.of("docker-worker:relengapi-proxy:tooltool.download.public"));
        List<String> args = argsFor(TaskIds.TASK);
        args.set(1, Integer.toString(queue.port()));
        Launcher.Started started = launch(args.toArray(String[]::new));
        assertEquals(1, started.exitStatus());
        assertTrue(stderr().contains("cannot listen on 127.0.0.1:" + queue.port()), stderr());
        assertFalse(stderr().contains("\tat "), "no stack trace");
    }
}
