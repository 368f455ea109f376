package org.mozilla.relengapi.proxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mozilla.relengapi.proxy.testsupport.Answer;
import org.mozilla.relengapi.proxy.testsupport.Eventually;
import org.mozilla.relengapi.proxy.testsupport.HttpFake;
import org.mozilla.relengapi.proxy.testsupport.ProxyUnderTest;
import org.mozilla.relengapi.proxy.testsupport.ScriptedUpstream;
import org.mozilla.relengapi.proxy.testsupport.Scripts;
import org.mozilla.relengapi.proxy.testsupport.SecretLeakCheck;
import org.mozilla.relengapi.proxy.testsupport.TestCertificates;

/** What a task sees when something around the proxy fails, and that the proxy keeps serving and heals. */
class FailureBehaviourTest {

    @TempDir
    Path dir;

    private static JsonObject json(HttpResponse<String> response) {
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    private static void awaitRequests(ProxyUnderTest proxy, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (proxy.tokenService.requests().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static void awaitIssuances(ProxyUnderTest proxy, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (proxy.tokens.issued().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void tokenOutageGives503WithRetryAfterThenHealsWithoutRestart() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.builder()
            .tokenService(service -> service.answerEveryRequestWith(Scripts.Tokens.error(500, "database unavailable")))
            .start()) {
            long start = System.nanoTime();
            HttpResponse<String> response = proxy.get("/tooltool/x");
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(503, response.statusCode());
            assertTrue(waited.compareTo(Duration.ofSeconds(9)) > 0 && waited.compareTo(Duration.ofSeconds(15)) < 0,
                "waited " + waited);
            long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 5, "Retry-After " + retryAfter);
            assertEquals("token_unavailable", json(response).get("error").getAsString());
            assertTrue(response.body().contains("database unavailable"), response.body());
            assertEquals(503, proxy.get("/__heartbeat__").statusCode());
            assertTrue(proxy.upstream("tooltool").requests().isEmpty());
            int attempts = proxy.tokenService.requests().size();
            assertTrue(attempts >= 3 && attempts <= 12, "retried with backoff, not in a loop: " + attempts);

            proxy.tokenService.backToScript();
            long healing = System.nanoTime();
            HttpResponse<String> healed = proxy.get("/tooltool/x");
            assertEquals(200, healed.statusCode());
            // Retries are at most 5 s apart; the rest is margin for a loaded machine.
            assertTrue(Duration.ofNanos(System.nanoTime() - healing).compareTo(Duration.ofSeconds(10)) < 0);
            assertEquals(200, proxy.get("/__heartbeat__").statusCode());
        }
    }

    @Test
    void tokenServiceThatStallsMidAnswerIsTimedOutAndRetried() throws Exception {
        long start = System.nanoTime();
        try (ProxyUnderTest proxy = ProxyUnderTest.builder()
            .tokenService(service -> service.answerEveryRequestWith(Answer.stallMidBody())).start()) {
            awaitRequests(proxy, 1);
            proxy.tokenService.backToScript();
            // The stalled attempt is cut at 10 s, and the retry gets a token.
            proxy.awaitToken(Duration.ofSeconds(20));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(9)) > 0 && took.compareTo(Duration.ofSeconds(16)) < 0, "took " + took);
            assertEquals(200, proxy.get("/tooltool/x").statusCode());
            assertEquals(2, proxy.tokenService.requests().size());
        }
    }

    @Test
    void tokenServiceRefusingConnectionsIsRetriedAndReported() throws Exception {
        try (Socket reserved = new Socket()) {
            reserved.bind(new InetSocketAddress("127.0.0.1", 0));
            URI refusing = URI.create("http://127.0.0.1:" + reserved.getLocalPort() + "/tokens");
            try (ProxyUnderTest proxy = ProxyUnderTest.builder().tokensUrl(refusing).start()) {
                HttpResponse<String> heartbeat = proxy.get("/__heartbeat__");
                for (int i = 0; i < 100 && !heartbeat.body().contains("connection refused"); i++) {
                    Thread.sleep(100);
                    heartbeat = proxy.get("/__heartbeat__");
                }
                assertEquals(503, heartbeat.statusCode());
                assertTrue(heartbeat.body().contains("connection refused"), heartbeat.body());
                assertEquals(200, proxy.get("/__lbheartbeat__").statusCode());
                // The heartbeat can show the failure a moment before its warning is printed.
                Predicate<String> warning = line -> line.contains("cannot get a temporary token") && line.contains(refusing.toString());
                long warnings = Eventually.await(SecretLeakCheck::captured, output -> output.lines().anyMatch(warning))
                    .lines().filter(warning).count();
                assertTrue(warnings >= 1 && warnings < 20, "retried with backoff: " + warnings);
            }
        }
    }

    @Test
    void clientErrorFromTheTokenServiceIsNotRetriedInALoop() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.builder()
            .tokenService(service -> service.answerEveryRequestWith(
                Scripts.Tokens.error(403, "missing permission tooltool.download.internal"))).start()) {
            awaitRequests(proxy, 1);
            Thread.sleep(3000);
            assertEquals(1, proxy.tokenService.requests().size());
            HttpResponse<String> heartbeat = proxy.get("/__heartbeat__");
            assertEquals(503, heartbeat.statusCode());
            assertTrue(heartbeat.body().contains("403") && heartbeat.body().contains("missing permission"), heartbeat.body());
            assertTrue(SecretLeakCheck.captured().contains("missing permission tooltool.download.internal"),
                "the service's description is logged");
        }
    }

    @Test
    void upstream401DropsTheTokenOnceAMinute() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.start().awaitToken()) {
            assertEquals(401, proxy.get("/tooltool/status/401").statusCode());
            awaitIssuances(proxy, 2);
            assertEquals(2, proxy.tokens.issued().size());
            HttpResponse<String> next = proxy.get("/tooltool/x");
            assertEquals("Bearer " + proxy.tokens.issued().get(1),
                proxy.upstream("tooltool").lastRequest().header("Authorization"));
            assertEquals(200, next.statusCode());

            assertEquals(401, proxy.get("/tooltool/status/401").statusCode());
            Thread.sleep(500);
            assertEquals(2, proxy.tokenService.requests().size(), "a second 401 within a minute keeps the token");
        }
    }

    @Test
    void rotatedTokenFileIsUsedForTheNextIssuance() throws Exception {
        Path file = Files.writeString(dir.resolve("issuing.token"), "first-issuing-token\n");
        SecretLeakCheck.registerSecret("first-issuing-token");
        SecretLeakCheck.registerSecret("rotated-issuing-token");
        try (ProxyUnderTest proxy = ProxyUnderTest.builder().tokenFile(file).start().awaitToken()) {
            assertEquals("Bearer first-issuing-token", proxy.tokenService.requests().get(0).header("Authorization"));
            Files.writeString(file, "rotated-issuing-token\n");
            proxy.get("/tooltool/status/401");
            awaitIssuances(proxy, 2);
            assertEquals("Bearer rotated-issuing-token", proxy.tokenService.requests().get(1).header("Authorization"));
        }
    }

    @Test
    void unreachableUpstreamGives502JsonAndTheProxyKeepsServing() throws Exception {
        // Bound but not listening: the port stays ours for the whole test, and connecting to it is refused.
        try (Socket reserved = new Socket()) {
            reserved.bind(new InetSocketAddress("127.0.0.1", 0));
            URI closed = URI.create("http://127.0.0.1:" + reserved.getLocalPort());
            unreachableUpstreamGives502(closed);
        }
    }

    private static void unreachableUpstreamGives502(URI closed) throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.builder().route("gone", closed).start().awaitToken()) {
            HttpResponse<String> response = proxy.get("/gone/x");
            assertEquals(502, response.statusCode());
            assertEquals("upstream_unreachable", json(response).get("error").getAsString());
            assertTrue(response.body().contains("connection refused"), response.body());
            SecretLeakCheck.assertNoSecretIn(response.body());
            assertEquals(200, proxy.get("/tooltool/x").statusCode());
        }
    }

    @Test
    void upstreamWithoutResponseHeadersWithinTheIdleTimeoutGives504() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.builder().route("silent", ScriptedUpstream.silent())
            .args("--idle-timeout", "2s").start().awaitToken()) {
            long start = System.nanoTime();
            HttpResponse<String> response = proxy.get("/silent/x");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(504, response.statusCode());
            assertEquals("upstream_timeout", json(response).get("error").getAsString());
            assertTrue(took.compareTo(Duration.ofMillis(1500)) > 0 && took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
            assertEquals(200, proxy.get("/tooltool/x").statusCode());
        }
    }

    @Test
    void slowButMovingDownloadOutlivesTheIdleTimeout() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.builder().args("--idle-timeout", "2s").start().awaitToken()) {
            // 16 chunks, 300 ms apart: about 5 s in all, more than twice the idle timeout, never 2 s without bytes.
            HttpResponse<InputStream> response = proxy.client().send(HttpRequest.newBuilder(
                proxy.uri("/tooltool/bytes/" + (16 * 65536) + "?pauseMs=300")).build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                assertEquals(16 * 65536, body.readAllBytes().length);
            }
        }
    }

    @Test
    void clientThatDisconnectsMidDownloadAbortsTheUpstreamTransfer() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.start().awaitToken()) {
            HttpFake tooltool = proxy.upstream("tooltool");
            int threadsBefore = Thread.activeCount();
            for (int i = 0; i < 10; i++) {
                HttpResponse<InputStream> response = proxy.client().send(HttpRequest.newBuilder(
                    proxy.uri("/tooltool/bytes/" + (1L << 30) + "?pauseMs=5")).build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    body.readNBytes(256 * 1024);
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (tooltool.abortedStreams() < 10 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(10, tooltool.abortedStreams(), "every upstream transfer was aborted");
            assertEquals(200, proxy.get("/tooltool/x").statusCode());
            assertTrue(Thread.activeCount() < threadsBefore + 20, "threads: " + threadsBefore + " -> " + Thread.activeCount());
        }
    }

    @Test
    void aClientThatGoesAwayMidDownloadIsNeitherLoggedNorCountedAsAnUpstreamFailure() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.start().awaitToken()) {
            String path = "/tooltool/bytes/" + ((1L << 30) + 7);
            HttpResponse<InputStream> response = proxy.client().send(HttpRequest.newBuilder(
                proxy.uri(path + "?pauseMs=5")).build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                body.readNBytes(256 * 1024);
            }
            assertEquals(1, Eventually.await(proxy.upstream("tooltool")::abortedStreams, aborted -> aborted >= 1));
            // The access-log line comes after the exchange's failure handling: once it is there, so is any warning.
            assertTrue(Eventually.await(SecretLeakCheck::captured, output -> output.contains("\"GET " + path + "\""))
                .contains("\"GET " + path + "\""));
            assertFalse(SecretLeakCheck.captured().contains("GET " + path + ": upstream failed"),
                "the client went away; the upstream did not fail");
            assertFalse(proxy.get("/__metrics__").body().contains("kind=\"mid_response\""));
        }
    }

    @Test
    void caFileLetsTheProxyTrustAPrivateCa() throws Exception {
        TestCertificates certificates = TestCertificates.create(dir);
        HttpFake secure = new HttpFake(Scripts.echo("secure"), certificates);
        try (ProxyUnderTest proxy = ProxyUnderTest.builder().route("secure", secure)
                 .args("--ca-file", certificates.caPem().toString()).start().awaitToken()) {
            HttpResponse<String> response = proxy.get("/secure/x");
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("Bearer " + proxy.tokens.issued().get(0), secure.lastRequest().header("Authorization"));
        }
    }

    @Test
    void withoutTheCaFileAPrivateCaUpstreamGives502WithTheReason() throws Exception {
        TestCertificates certificates = TestCertificates.create(dir);
        HttpFake secure = new HttpFake(Scripts.echo("secure"), certificates);
        try (ProxyUnderTest proxy = ProxyUnderTest.builder().route("secure", secure).start().awaitToken()) {
            HttpResponse<String> response = proxy.get("/secure/x");
            assertEquals(502, response.statusCode());
            assertTrue(response.body().contains("TLS"), response.body());
            assertTrue(secure.requests().isEmpty());
            assertFalse(response.body().contains(proxy.tokens.issued().get(0)));
        }
    }
}
