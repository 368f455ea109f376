package org.mozilla.relengapi.proxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mozilla.relengapi.proxy.testsupport.ProxyUnderTest;
import org.mozilla.relengapi.proxy.testsupport.RawHttp;
import org.mozilla.relengapi.proxy.testsupport.ScriptedUpstream;

/** An upstream's chunked trailers reach HTTP/1.1 clients that sent {@code TE: trailers}. */
class TrailersTest {
    private static final ScriptedUpstream upstream = ScriptedUpstream.answering(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
        + "2\r\nok\r\n0\r\nContent-Length: 99\r\nSet-Cookie: evil=1\r\nKeep-Alive: timeout=5\r\n"
        + "X-Checksum: sha256=\"abc\"\r\n\r\n");
    @RegisterExtension
    static final ProxyUnderTest proxy = ProxyUnderTest.builder().routes().route("raw", upstream).build();

    @Test
    void trailersReachAClientThatSentTeTrailers() throws Exception {
        RawHttp.Response response = RawHttp.send(proxy.port(), "GET /raw/x HTTP/1.1\r\nHost: relengapi\r\nTE: trailers\r\n\r\n");
        assertEquals(200, response.status());
        assertTrue(response.body().endsWith("\r\nok\r\n0\r\nX-Checksum: sha256=\"abc\"\r\n\r\n"), response.text());
        assertTrue(upstream.lastRequestHead().contains("\r\nTE: trailers"), "the upstream is told trailers are welcome");
    }

    @Test
    void trailersThatWouldReframeTheMessageOrSetACookieAreDropped() throws Exception {
        RawHttp.Response response = RawHttp.send(proxy.port(), "GET /raw/x HTTP/1.1\r\nHost: relengapi\r\nTE: trailers\r\n\r\n");
        assertEquals(200, response.status());
        for (String dropped : new String[] {"Content-Length: 99", "Set-Cookie", "Keep-Alive"}) {
            assertFalse(response.text().contains(dropped), response.text());
        }
    }

    @Test
    void aClientThatDidNotAskForTrailersGetsNone() throws Exception {
        RawHttp.Response response = RawHttp.send(proxy.port(), "GET /raw/x HTTP/1.1\r\nHost: relengapi\r\n\r\n");
        assertEquals(200, response.status());
        assertTrue(response.body().contains("ok"), response.text());
        assertFalse(response.text().contains("X-Checksum"), response.text());
    }
}
