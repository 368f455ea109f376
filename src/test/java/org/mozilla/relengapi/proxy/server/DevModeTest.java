package org.mozilla.relengapi.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mozilla.relengapi.proxy.testsupport.SecretLeakCheck;

/** {@code --dev}: the proxy in front of its embedded local stack, as a newcomer first runs it. */
class DevModeTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final HttpClient client = HttpClient.newHttpClient();

    private Launcher.Started startDev() {
        SecretLeakCheck.registerSecret("dev-issuing-token");
        PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        return new Launcher(stdout, System.err, Map.of()).start(List.of("--dev", "-p", "0"));
    }

    private String curlLineTarget() {
        Matcher m = Pattern.compile("curl (http://\\S+)").matcher(out.toString(StandardCharsets.UTF_8));
        assertTrue(m.find(), out.toString(StandardCharsets.UTF_8));
        return m.group(1);
    }

    @Test
    void theCurlLineItPrintsGoesThroughWithTheInjectedToken() throws Exception {
        Launcher.Started started = startDev();
        try {
            assertEquals(0, started.exitStatus());
            String target = curlLineTarget();
            assertTrue(target.startsWith("http://127.0.0.1:" + started.proxy().port() + "/tooltool/"), target);
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(target)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            JsonObject echo = JsonParser.parseString(response.body()).getAsJsonObject();
            assertEquals("tooltool", echo.get("upstream").getAsString());
            assertTrue(echo.getAsJsonObject("headers").get("authorization").getAsString().startsWith("Bearer dev-temporary-token-"),
                response.body());
        } finally {
            started.proxy().close();
        }
    }

    @Test
    void theEchoesShowPathsForwardedAsSentWithAPercentSignOrANonUtf8Byte() throws Exception {
        Launcher.Started started = startDev();
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                started.proxy().uri().resolve("/tooltool/100%25/caf%E9")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        } finally {
            started.proxy().close();
        }
    }

    @Test
    void aLargeUploadReachesTheEchoWhole() throws Exception {
        Launcher.Started started = startDev();
        try {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(started.proxy().uri().resolve(
                    "/treestatus/upload")).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[5_000_000])).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), response.body());
                assertEquals("POST", JsonParser.parseString(response.body()).getAsJsonObject().get("method").getAsString());
            }
        } finally {
            started.proxy().close();
        }
    }

    @Test
    void itPrintsWhatItStarted() {
        Launcher.Started started = startDev();
        try {
            String printed = out.toString(StandardCharsets.UTF_8);
            for (String part : List.of("queue", "token issuer", "/tooltool/", "/treestatus/", "/mapper/", DevStack.TASK_ID)) {
                assertTrue(printed.contains(part), part + " in:\n" + printed);
            }
        } finally {
            stop(started);
        }
    }

    @Test
    void stoppingTheProxyStopsTheStack() throws Exception {
        Launcher.Started started = startDev();
        Matcher m = Pattern.compile("queue\\s+(http://\\S+)").matcher(out.toString(StandardCharsets.UTF_8));
        assertTrue(m.find());
        URI queue = URI.create(m.group(1));
        started.proxy().close();
        assertThrows(IOException.class, () -> client.send(HttpRequest.newBuilder(queue).build(), HttpResponse.BodyHandlers.discarding()));
    }

    private static void stop(Launcher.Started started) {
        try {
            started.proxy().close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
