package org.mozilla.relengapi.proxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mozilla.relengapi.proxy.testsupport.Eventually;
import org.mozilla.relengapi.proxy.testsupport.ProxyUnderTest;
import org.mozilla.relengapi.proxy.testsupport.RawHttp;
import org.mozilla.relengapi.proxy.testsupport.RecordedRequest;
import org.mozilla.relengapi.proxy.testsupport.Scripts.Echo;
import org.mozilla.relengapi.proxy.testsupport.SecretLeakCheck;

class ProxyingTest {
    @RegisterExtension
    static final ProxyUnderTest proxy = ProxyUnderTest.builder().build();

    private static String currentToken() {
        List<String> issued = proxy.tokens.issued();
        return issued.get(issued.size() - 1);
    }

    @Test
    void eachRouteReachesItsOwnUpstreamWithTheTemporaryToken() throws Exception {
        for (String prefix : List.of("tooltool", "treestatus", "mapper")) {
            HttpResponse<String> response = proxy.get("/" + prefix + "/some/path");
            assertEquals(200, response.statusCode());
            Echo echo = Echo.parse(response.body());
            assertEquals(prefix, echo.upstream());
            assertEquals("/some/path", echo.path());
            RecordedRequest received = proxy.upstream(prefix).lastRequest();
            assertEquals("Bearer " + currentToken(), received.header("Authorization"));
            assertEquals(List.of("Bearer " + currentToken()), received.headerValues("Authorization"));
        }
    }

    @Test
    void clientAuthorizationIsReplacedNeverForwarded() throws Exception {
        proxy.send(HttpRequest.newBuilder(proxy.uri("/tooltool/x")).header("Authorization", "Bearer client-supplied"));
        RecordedRequest received = proxy.upstream("tooltool").lastRequest();
        assertEquals(List.of("Bearer " + currentToken()), received.headerValues("Authorization"));
    }

    @Test
    void connectionHeaderCannotStripTheInjectedAuthorization() throws Exception {
        RawHttp.Response response = RawHttp.send(proxy.port(), "GET /tooltool/x HTTP/1.1\r\nHost: relengapi\r\n"
            + "Connection: authorization, close\r\nAuthorization: Bearer client\r\n\r\n");
        assertEquals(200, response.status());
        assertEquals("Bearer " + currentToken(), proxy.upstream("tooltool").lastRequest().header("Authorization"));
    }

    @Test
    void methodQueryBodyAndCustomHeadersArePreserved() throws Exception {
        HttpResponse<String> response = proxy.send(HttpRequest.newBuilder(proxy.uri("/treestatus/trees/x?a=1&b=%20two"))
            .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"status\":\"closed\"}"))
            .header("Content-Type", "application/json")
            .header("X-Custom", "value-1"));
        assertEquals(200, response.statusCode());
        RecordedRequest received = proxy.upstream("treestatus").lastRequest();
        assertEquals("PATCH", received.method());
        assertEquals("/trees/x", received.rawPath());
        assertEquals("a=1&b=%20two", received.query());
        assertEquals("{\"status\":\"closed\"}", received.body());
        assertEquals("application/json", received.header("Content-Type"));
        assertEquals("value-1", received.header("X-Custom"));
    }

    @Test
    void hostIsTheUpstreamsAndHopByHopHeadersAreDropped() throws Exception {
        RawHttp.send(proxy.port(), "GET /mapper/x HTTP/1.1\r\nHost: relengapi\r\nKeep-Alive: timeout=5\r\n"
            + "Proxy-Authorization: Basic eDp5\r\nConnection: close, X-Hop\r\nX-Hop: gone\r\nTE: deflate\r\n\r\n");
        RecordedRequest received = proxy.upstream("mapper").lastRequest();
        assertEquals("127.0.0.1:" + proxy.upstream("mapper").port(), received.header("Host"));
        assertNull(received.header("Keep-Alive"));
        assertNull(received.header("Proxy-Authorization"));
        assertNull(received.header("X-Hop"));
        assertNull(received.header("TE"));
    }

    @Test
    void upstreamErrorStatusesPassThroughUnchanged() throws Exception {
        for (int status : List.of(404, 500, 503)) {
            HttpResponse<String> response = proxy.get("/tooltool/status/" + status);
            assertEquals(status, response.statusCode());
            assertEquals("upstream tooltool says " + status, response.body());
            assertEquals("kept", response.headers().firstValue("X-Custom-Response").orElse(null));
        }
    }

    @Test
    void redirectsArePassedThroughNotFollowed() throws Exception {
        HttpResponse<String> response = proxy.get("/tooltool/redirect");
        assertEquals(302, response.statusCode());
        String location = response.headers().firstValue("Location").orElse("");
        assertEquals(proxy.upstream("tooltool").uri("/followed"), java.net.URI.create(location));
        assertEquals(1, proxy.upstream("tooltool").requests().size());
    }

    @Test
    void prefixAloneReachesTheUpstreamRoot() throws Exception {
        assertEquals("/", Echo.parse(proxy.get("/tooltool").body()).path());
        assertEquals("/", Echo.parse(proxy.get("/tooltool/").body()).path());
    }

    @Test
    void routesMatchWholePathSegmentsOnly() throws Exception {
        HttpResponse<String> response = proxy.get("/tooltoolx/sha512/abc");
        assertEquals(404, response.statusCode());
        assertTrue(proxy.upstream("tooltool").requests().isEmpty());
    }

    @Test
    void unknownPathGets404JsonListingThePrefixes() throws Exception {
        for (String path : List.of("/", "/nothing/here")) {
            HttpResponse<String> response = proxy.get(path);
            assertEquals(404, response.statusCode());
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
            JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
            assertEquals("unknown_route", body.get("error").getAsString());
            assertEquals(List.of("tooltool", "treestatus", "mapper"),
                body.getAsJsonArray("routes").asList().stream().map(e -> e.getAsString()).toList());
        }
    }

    @Test
    void percentEncodedCharactersInFileNamesAreForwardedEncoded() throws Exception {
        HttpResponse<String> response = proxy.get("/tooltool/files/a%20b%25c%3Bd");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("/files/a%20b%25c%3Bd", proxy.upstream("tooltool").lastRequest().rawPath());
    }

    @Test
    void accessLogHasOneLinePerRequestAndNoToken() throws Exception {
        String marker = "/tooltool/access-log-" + System.nanoTime();
        proxy.get(marker + "?secret-looking-query=1");
        // The line is written once the exchange is complete, which can be after the client has the whole answer.
        String captured = Eventually.await(SecretLeakCheck::captured, output -> output.contains(marker));
        List<String> lines = captured.lines().filter(line -> line.contains(marker)).toList();
        assertEquals(1, lines.size(), captured);
        assertTrue(lines.get(0).contains("GET") && lines.get(0).contains(" 200 "), lines.get(0));
        assertFalse(lines.get(0).contains("secret-looking-query"));
        assertFalse(captured.contains(currentToken()));
        assertFalse(captured.contains(proxy.issuingToken));
    }

    @Test
    void errorBodiesAreJsonWithoutToken() throws Exception {
        for (String path : List.of("/nothing", "/tooltool/../x", "/tooltool/%2e%2e/x", "/tooltool/a;b")) {
            RawHttp.Response response = RawHttp.send(proxy.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertEquals(path.equals("/nothing") ? 404 : 400, response.status(), response.text());
            assertTrue(response.body().startsWith("{\"error\":"), response.text());
            SecretLeakCheck.assertNoSecretIn(response.text());
        }
    }
}
