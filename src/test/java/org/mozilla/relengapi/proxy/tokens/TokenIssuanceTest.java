package org.mozilla.relengapi.proxy.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.mozilla.relengapi.proxy.cli.ProxyConfig.IssuingToken;
import org.mozilla.relengapi.proxy.testsupport.ProxyUnderTest;
import org.mozilla.relengapi.proxy.testsupport.RecordedRequest;
import org.mozilla.relengapi.proxy.testsupport.Scripts;

class TokenIssuanceTest {

    @Test
    void tokenRequestCarriesThePermissionsTheIssuingTokenAndAnExpiry() throws Exception {
        Instant before = Instant.now();
        try (ProxyUnderTest proxy = ProxyUnderTest.builder()
            .scopes(List.of("docker-worker:relengapi-proxy:b.second", "queue:other", "docker-worker:relengapi-proxy:a.first"))
            .args("--token-lifetime", "15m").start().awaitToken()) {
            RecordedRequest post = proxy.tokenService.requests().get(0);
            assertEquals("POST", post.method());
            assertEquals("/tokens", post.rawPath());
            assertEquals("Bearer " + proxy.issuingToken, post.header("Authorization"));
            assertEquals("application/json", post.header("Content-Type"));
            JsonObject body = JsonParser.parseString(post.body()).getAsJsonObject();
            assertEquals(Set.of("typ", "expires", "permissions", "metadata"), body.keySet());
            assertEquals("tmp", body.get("typ").getAsString());
            assertEquals(List.of("b.second", "a.first"),
                body.getAsJsonArray("permissions").asList().stream().map(e -> e.getAsString()).toList());
            assertEquals(new JsonObject(), body.get("metadata"));
            String expires = body.get("expires").getAsString();
            assertTrue(expires.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), expires);
            Instant expected = before.plus(Duration.ofMinutes(15));
            Instant actual = Instant.parse(expires);
            assertTrue(Duration.between(expected, actual).abs().compareTo(Duration.ofSeconds(10)) < 0, expires);
        }
    }

    @Test
    void expiryIsCappedAtTheTaskDeadline() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        try (ProxyUnderTest proxy = ProxyUnderTest.builder().deadline(deadline).args("--token-lifetime", "1h").start().awaitToken()) {
            JsonObject body = JsonParser.parseString(proxy.tokenService.requests().get(0).body()).getAsJsonObject();
            assertEquals(deadline, Instant.parse(body.get("expires").getAsString()));
        }
    }

    @Test
    void manyConcurrentRequestsAtStartCauseExactlyOneIssuance() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.builder()
            .tokenService(service -> service.delayAnswers(Duration.ofMillis(500))).start()) {
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                responses.add(proxy.client().sendAsync(HttpRequest.newBuilder(proxy.uri("/tooltool/concurrent/" + i))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> response : responses) {
                assertEquals(200, response.get().statusCode());
            }
            assertEquals(1, proxy.tokenService.requests().size());
            assertEquals(200, proxy.upstream("tooltool").requests().size());
        }
    }

    @Test
    void tokenIsRenewedInTheBackgroundAndNoRequestFails() throws Exception {
        // The service grants 4 s tokens: renewal is due every 3 s.
        try (ProxyUnderTest proxy = ProxyUnderTest.builder()
            .tokens(new Scripts.Tokens().shortenedTo(Duration.ofSeconds(4))).start().awaitToken()) {
            Set<String> seen = new LinkedHashSet<>();
            long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            int requests = 0;
            while (System.nanoTime() < end) {
                HttpResponse<String> response = proxy.get("/tooltool/renewal");
                assertEquals(200, response.statusCode(), response.body());
                seen.add(proxy.upstream("tooltool").lastRequest().header("Authorization"));
                requests++;
                Thread.sleep(50);
            }
            assertTrue(seen.size() >= 3, "tokens seen: " + seen.size());
            int issuances = proxy.tokenService.requests().size();
            assertTrue(issuances >= 3 && issuances <= 4, "issuances in 8 s of 4 s tokens: " + issuances);
            assertTrue(requests > 10, "requests made: " + requests);
        }
    }

    @Test
    void afterTheTaskDeadlineRequestsGet503AndNoTokenIsRequested() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.builder().deadline(Instant.now().minusSeconds(60)).start()) {
            long start = System.nanoTime();
            HttpResponse<String> response = proxy.get("/tooltool/x");
            assertEquals(503, response.statusCode());
            assertTrue(response.body().contains("task deadline passed"), response.body());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(5)) < 0);
            assertTrue(proxy.tokenService.requests().isEmpty());
            assertTrue(proxy.upstream("tooltool").requests().isEmpty());
            assertFalse(response.headers().firstValue("Retry-After").isPresent());
        }
    }
}
