package org.mozilla.relengapi.proxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.mozilla.relengapi.proxy.testsupport.ProxyUnderTest;
import org.mozilla.relengapi.proxy.testsupport.RawHttp;
import org.mozilla.relengapi.proxy.testsupport.ScriptedUpstream;

/** Upstream response headers reach the client as the upstream sent them, less hop-by-hop ones (raw bytes on both ends). */
class ResponseHeadersTest {
    private static final String DATE = "Date: Mon, 01 Jan 2024 00:00:00 GMT";

    /** The header lines (between the status line and the blank line) a client receives for this upstream answer. */
    private static List<String> headerLinesThroughTheProxy(String upstreamStatusLine, List<String> upstreamHeaderLines)
        throws Exception {
        String answer = upstreamStatusLine + "\r\n" + String.join("\r\n", upstreamHeaderLines) + "\r\nContent-Length: 2\r\n\r\nok";
        try (ProxyUnderTest proxy = ProxyUnderTest.builder().routes().route("raw", ScriptedUpstream.answering(answer))
            .start().awaitToken()) {
            RawHttp.Response response = RawHttp.send(proxy.port(), "GET /raw/x HTTP/1.1\r\nHost: relengapi\r\n\r\n");
            assertEquals("ok", response.body(), response.text());
            String head = response.text().substring(0, response.text().indexOf("\r\n\r\n"));
            List<String> lines = Arrays.asList(head.split("\r\n"));
            return lines.subList(1, lines.size());
        }
    }

    @Test
    void quotedCommaAndSemicolonValuesArriveByteForByte() throws Exception {
        List<String> sent = List.of(DATE,
            "Content-Disposition: attachment; filename=\"build;v2.tar.gz\"",
            "Set-Cookie: b=\"quoted value\"",
            "WWW-Authenticate: Basic realm=\"relengapi\"",
            "Content-Type: multipart/mixed; boundary=\"a b:c\"",
            "g: a,b",
            "X-Spacing: a;b;  c, d ,e",
            "Cache-Control: no-cache,  no-store");
        assertEquals(withLength(sent), headerLinesThroughTheProxy("HTTP/1.1 200 OK", sent));
    }

    @Test
    void jsonValuedHeadersDoNotHideTheLocationAfterThem() throws Exception {
        List<String> sent = List.of(DATE,
            "NEL: {\"report_to\":\"default\",\"max_age\":2592000,\"include_subdomains\":true}",
            "Report-To: {\"group\":\"default\",\"max_age\":2592000,\"endpoints\":[{\"url\":\"https://reports.example/x\"}]}",
            "Location: https://storage.example/build.tar.gz?sig=a%2Bb",
            "X-After: still here");
        assertEquals(withLength(sent), headerLinesThroughTheProxy("HTTP/1.1 302 Found", sent));
    }

    @Test
    void repeatedHeadersStaySeparateLinesInTheirOrder() throws Exception {
        List<String> sent = List.of(DATE,
            "Set-Cookie: a=1; Path=/",
            "X-Repeated: one",
            "Set-Cookie: b=\"2\"; Expires=Wed, 21 Oct 2026 07:28:00 GMT",
            "X-Repeated: two, three",
            "Content-Type: text/plain; charset=UTF-8",
            "Vary: Accept",
            "Vary: Accept-Encoding");
        assertEquals(withLength(sent), headerLinesThroughTheProxy("HTTP/1.1 200 OK", sent));
    }

    @Test
    void hopByHopHeadersAndThoseNamedInConnectionAreDropped() throws Exception {
        List<String> sent = List.of(DATE, "Connection: X-Hop, keep-alive", "Keep-Alive: timeout=5", "X-Hop: gone",
            "Proxy-Authenticate: Basic realm=\"upstream proxy\"", "Proxy-Anything: gone", "Trailer: X-Sum", "Trailers: X-Sum",
            "Upgrade: h2c", "X-End-To-End: kept");
        assertEquals(withLength(List.of(DATE, "X-End-To-End: kept")), headerLinesThroughTheProxy("HTTP/1.1 200 OK", sent));
    }

    private static List<String> withLength(List<String> lines) {
        return Stream.concat(lines.stream(), Stream.of("Content-Length: 2")).toList();
    }
}
