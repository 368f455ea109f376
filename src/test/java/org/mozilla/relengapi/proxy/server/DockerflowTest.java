package org.mozilla.relengapi.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.http.HttpResponse;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mozilla.relengapi.proxy.testsupport.HttpFake;
import org.mozilla.relengapi.proxy.testsupport.ProxyUnderTest;
import org.mozilla.relengapi.proxy.testsupport.Scripts;
import org.mozilla.relengapi.proxy.testsupport.SecretLeakCheck;

class DockerflowTest {

    private static JsonObject json(HttpResponse<String> response) {
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    @Test
    void lbHeartbeatAnswers200() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.start()) {
            assertEquals(200, proxy.get("/__lbheartbeat__").statusCode());
        }
    }

    @Test
    void heartbeatIsOkWhenATokenIsHeld() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.start().awaitToken()) {
            HttpResponse<String> response = proxy.get("/__heartbeat__");
            assertEquals(200, response.statusCode());
            JsonObject body = json(response);
            assertEquals("ok", body.get("status").getAsString());
            assertEquals("ok", body.getAsJsonObject("checks").get("temporary_token").getAsString());
            assertTrue(body.has("details"));
            SecretLeakCheck.assertNoSecretIn(response.body());
        }
    }

    @Test
    void heartbeatIs503WithTheReasonWhileTheTokenServiceFails() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.builder()
            .tokenService(service -> service.answerEveryRequestWith(
                Scripts.Tokens.error(403, "issuing token lacks base.tokens.tmp.issue"))).start()) {
            HttpResponse<String> response = proxy.get("/__heartbeat__");
            for (int i = 0; i < 100 && !response.body().contains("lacks"); i++) {
                Thread.sleep(100);
                response = proxy.get("/__heartbeat__");
            }
            assertEquals(503, response.statusCode());
            JsonObject body = json(response);
            assertEquals("error", body.get("status").getAsString());
            assertTrue(response.body().contains("issuing token lacks base.tokens.tmp.issue"), response.body());
            assertFalse(response.body().contains(proxy.issuingToken));
        }
    }

    @Test
    void reservedPathsAnswerOtherMethodsWith405() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.start()) {
            for (String method : new String[] {"POST", "PATCH", "DELETE"}) {
                HttpResponse<String> response = proxy.send(java.net.http.HttpRequest.newBuilder(proxy.uri("/__heartbeat__"))
                    .method(method, java.net.http.HttpRequest.BodyPublishers.ofString("x")));
                assertEquals(405, response.statusCode(), method);
                assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(""));
                // Its body is left unread: the client is told not to send another request on this connection.
                assertEquals("close", response.headers().firstValue("Connection").orElse(""), method);
            }
        }
    }

    @Test
    void versionHasTheDockerflowFields() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.start()) {
            HttpResponse<String> response = proxy.get("/__version__");
            assertEquals(200, response.statusCode());
            assertEquals(Set.of("source", "version", "commit", "build"), json(response).keySet());
            assertFalse(json(response).get("version").getAsString().isEmpty());
            assertEquals("https://github.com/mozilla/relengapi-proxy-java", json(response).get("source").getAsString());
            assertTrue(json(response).get("build").getAsString().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        }
    }

    @Test
    void versionNamesTheCommitTheBuildCameFrom() throws Exception {
        Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
        String head = new String(git.getInputStream().readAllBytes()).strip();
        assumeTrue(git.waitFor() == 0 && head.matches("[0-9a-f]{40}"), "built outside a git checkout");
        try (ProxyUnderTest proxy = ProxyUnderTest.start()) {
            assertEquals(head, json(proxy.get("/__version__")).get("commit").getAsString());
        }
    }

    @Test
    void reservedPathsAreNeverProxiedEvenWithACatchAll() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.builder().withCatchAll().start().awaitToken()) {
            for (String path : new String[] {"/__lbheartbeat__", "/__heartbeat__", "/__version__"}) {
                assertEquals(200, proxy.get(path).statusCode(), path);
            }
            assertTrue(proxy.catchAll.requests().isEmpty());
            for (HttpFake upstream : proxy.upstreams.values()) {
                assertTrue(upstream.requests().isEmpty());
            }
        }
    }
}
