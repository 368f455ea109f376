package org.mozilla.relengapi.proxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mozilla.relengapi.proxy.testsupport.HttpFake;
import org.mozilla.relengapi.proxy.testsupport.ProxyUnderTest;
import org.mozilla.relengapi.proxy.testsupport.RawHttp;
import org.mozilla.relengapi.proxy.testsupport.RecordedRequest;
import org.mozilla.relengapi.proxy.testsupport.SecretLeakCheck;

/** Requests that try to make the proxy an open proxy or lead the token outside a route: each input, its status, and what the upstreams saw. */
class HostileRequestTest {
    @RegisterExtension
    static final ProxyUnderTest proxy = ProxyUnderTest.builder().basePath("/base").build();

    private static RawHttp.Response send(String requestLine, String... headers) throws Exception {
        return sendWithHost("relengapi", requestLine, headers);
    }

    private static RawHttp.Response sendWithHost(String host, String requestLine, String... headers) throws Exception {
        StringBuilder request = new StringBuilder(requestLine).append("\r\nHost: ").append(host).append("\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        return RawHttp.send(proxy.port(), request.toString());
    }

    private static void assertNoUpstreamReached() {
        for (HttpFake upstream : proxy.upstreams.values()) {
            assertTrue(upstream.requests().isEmpty(), "reached " + upstream.uri() + ": " + upstream.requests());
        }
    }

    /** A refusal's body: JSON {"error": code, "message": text}, nothing else, and no secret. */
    private static void assertJsonRefusal(String code, RawHttp.Response response) {
        JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
        assertEquals(Set.of("error", "message"), body.keySet(), response.text());
        assertEquals(code, body.get("error").getAsString(), response.text());
        assertFalse(body.get("message").getAsString().isBlank(), response.text());
        SecretLeakCheck.assertNoSecretIn(response.text());
    }

    static Stream<Arguments> refused() {
        return Stream.of(
            Arguments.of("GET /tooltool/../mapper/x HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/%2e%2e/mapper/x HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/%2E%2E/%2e%2e/x HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/.%2e/x HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/%2e/x HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/./x HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/..;/x HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/x/..;/..;/mapper HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/%2e%2e;x=1/mapper HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/x;jsessionid=1 HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/a%2fb HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/a%2F..%2Fb HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool%2F..%2Fmapper/x HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/a%5cb HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/a\\b HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool//x HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET //tooltool/x HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/%u002e%u002e/x HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/a|b HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/a%00b HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/%zz HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/a%4 HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /.. HTTP/1.1", 400, "bad_path"),
            Arguments.of("GET /tooltool/x?q=%zz HTTP/1.1", 400, "bad_path"),
            // A raw byte that is not UTF-8: Jetty's parser replaces it, so it cannot be forwarded as sent.
            Arguments.of("GET /tooltool/x?q=caf\u00e9 HTTP/1.1", 400, "bad_path"),
            Arguments.of("TRACE /tooltool/x HTTP/1.1", 405, "method_not_allowed"),
            Arguments.of("trace /tooltool/x HTTP/1.1", 405, "method_not_allowed"),
            Arguments.of("Trace /tooltool/x HTTP/1.1", 405, "method_not_allowed"),
            Arguments.of("TRACK /tooltool/x HTTP/1.1", 405, "method_not_allowed"),
            Arguments.of("track /tooltool/x HTTP/1.1", 405, "method_not_allowed"),
            Arguments.of("connect /tooltool/x HTTP/1.1", 405, "method_not_allowed"),
            Arguments.of("get /tooltool/x HTTP/1.1", 405, "method_not_allowed"),
            Arguments.of("TRACE * HTTP/1.1", 400, "bad_request"),
            Arguments.of("OPTIONS * HTTP/1.1", 404, "not_found"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refusedRequestsGetJsonAndReachNoUpstream(String requestLine, int status, String code) throws Exception {
        RawHttp.Response response = send(requestLine);
        assertEquals(status, response.status(), response.text());
        assertJsonRefusal(code, response);
        assertNoUpstreamReached();
    }

    @Test
    void anEncodedPercentSignIsAFileNameNotAnEscape() throws Exception {
        // %252e is an encoded '%2e': a file name, not a dot-segment. It goes to tooltool, inside /base, as sent.
        RawHttp.Response response = send("GET /tooltool/%252e%252e/x HTTP/1.1");
        assertEquals(200, response.status(), response.text());
        assertEquals("/base/%252e%252e/x", proxy.upstream("tooltool").lastRequest().rawPath());
    }

    static Stream<Arguments> methodOverrides() {
        return Stream.of(
            Arguments.of("X-HTTP-Method-Override", "TRACE"),
            Arguments.of("X-HTTP-Method-Override", "trace"),
            Arguments.of("X-HTTP-Method-Override", "GET, TRACE"),
            Arguments.of("X-HTTP-Method", "TRACK"),
            Arguments.of("x-method-override", " Connect "),
            Arguments.of("X-Method-Override", "track"),
            Arguments.of("X_HTTP_Method_Override", "TRACE"),
            Arguments.of("x_method-override", "trace"));
    }

    @ParameterizedTest
    @MethodSource("methodOverrides")
    void refusedMethodsAskedForThroughAnOverrideHeaderGet405(String header, String value) throws Exception {
        RawHttp.Response response = send("GET /tooltool/x HTTP/1.1", header + ": " + value);
        assertEquals(405, response.status(), response.text());
        assertJsonRefusal("method_not_allowed", response);
        assertNoUpstreamReached();
    }

    @Test
    void bytesAfterARefusedConnectAreNotReadAsANextRequest() throws Exception {
        // No Connection: close from the client: the proxy must end the connection itself, as a tunnel would follow.
        // Reading until it does (a SocketTimeoutException when it never does) also lets a wrongly proxied GET arrive.
        RawHttp.Ended ended = RawHttp.sendUntilEnded(proxy.port(), "CONNECT evil.invalid:443 HTTP/1.1\r\n"
            + "Host: evil.invalid:443\r\n\r\nGET /tooltool/smuggled HTTP/1.1\r\nHost: relengapi\r\n\r\n", Duration.ofSeconds(20));
        assertTrue(ended.text().startsWith("HTTP/1.1 405 "), ended.text());
        assertEquals(1, ended.text().split("HTTP/1.1 ", -1).length - 1, ended.text());
        assertNoUpstreamReached();
    }

    @Test
    void anOverrideHeaderAskingForAnotherMethodIsForwarded() throws Exception {
        RawHttp.Response response = send("POST /tooltool/x HTTP/1.1", "X-HTTP-Method-Override: DELETE", "Content-Length: 0");
        assertEquals(200, response.status(), response.text());
        assertEquals("DELETE", proxy.upstream("tooltool").lastRequest().header("X-HTTP-Method-Override"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Transfer-Encoding: gzip, chunked", "Transfer-Encoding: identity, chunked",
        "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked", "Transfer-Encoding: x-custom ,chunked"})
    void aTransferCodingOtherThanChunkedGets501(String framing) throws Exception {
        RawHttp.Response response = RawHttp.send(proxy.port(), "POST /tooltool/x HTTP/1.1\r\nHost: relengapi\r\n"
            + framing + "\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        assertEquals(501, response.status(), response.text());
        assertJsonRefusal("transfer_coding_not_implemented", response);
        assertNoUpstreamReached();
    }

    @ParameterizedTest
    @MethodSource("connectTargets")
    void connectIsRefusedWith405(String authority) throws Exception {
        // What an HTTP client configured to tunnel through the proxy sends: Host equal to the target.
        RawHttp.Response response = sendWithHost(authority, "CONNECT " + authority + " HTTP/1.1");
        assertEquals(405, response.status(), response.text());
        assertNoUpstreamReached();
    }

    static Stream<String> connectTargets() {
        return Stream.of("evil.invalid:443", "127.0.0.1:" + proxy.upstream("mapper").port());
    }

    @Test
    void connectWithAMismatchedHostIsRefused() throws Exception {
        assertEquals(400, send("CONNECT evil.invalid:443 HTTP/1.1").status());
        assertNoUpstreamReached();
    }

    @Test
    void absoluteFormTargetIsRoutedByItsPathNeverByItsAuthority() throws Exception {
        HttpFake mapper = proxy.upstream("mapper");
        String authority = "127.0.0.1:" + mapper.port();
        RawHttp.Response response = sendWithHost(authority, "GET http://" + authority + "/tooltool/x HTTP/1.1");
        assertEquals(200, response.status(), response.text());
        assertEquals(1, proxy.upstream("tooltool").requests().size());
        assertEquals("/base/x", proxy.upstream("tooltool").lastRequest().rawPath());
        assertTrue(mapper.requests().isEmpty());
    }

    @Test
    void absoluteFormTargetWithoutRouteGets404() throws Exception {
        RawHttp.Response response = sendWithHost("evil.invalid", "GET http://evil.invalid/steal HTTP/1.1");
        assertEquals(404, response.status(), response.text());
        assertNoUpstreamReached();
    }

    @Test
    void absoluteFormTargetWhoseAuthorityDisagreesWithHostIsRefused() throws Exception {
        RawHttp.Response response = send("GET http://evil.invalid/tooltool/x HTTP/1.1");
        assertEquals(400, response.status(), response.text());
        assertNoUpstreamReached();
    }

    @Test
    void routeBasePathIsKept() throws Exception {
        RawHttp.Response response = send("GET /treestatus/trees?x=1 HTTP/1.1");
        assertEquals(200, response.status());
        RecordedRequest received = proxy.upstream("treestatus").lastRequest();
        assertEquals("/base/trees", received.rawPath());
        assertEquals("x=1", received.query());
    }

    @Test
    void oversizedHeadersGet431() throws Exception {
        RawHttp.Response response = send("GET /tooltool/x HTTP/1.1", "X-Big: " + "a".repeat(64 * 1024));
        assertEquals(431, response.status(), response.text().substring(0, Math.min(200, response.text().length())));
        assertNoUpstreamReached();
    }

    @Test
    void contentLengthWithTransferEncodingIsRefused() throws Exception {
        RawHttp.Response response = RawHttp.send(proxy.port(), "POST /tooltool/x HTTP/1.1\r\nHost: relengapi\r\n"
            + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\nGET /mapper/smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(400, response.status(), response.text());
        assertNoUpstreamReached();
    }
}
