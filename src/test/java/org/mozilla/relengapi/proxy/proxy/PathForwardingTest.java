package org.mozilla.relengapi.proxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mozilla.relengapi.proxy.testsupport.HttpFake;
import org.mozilla.relengapi.proxy.testsupport.ProxyUnderTest;
import org.mozilla.relengapi.proxy.testsupport.RawHttp;
import org.mozilla.relengapi.proxy.testsupport.RecordedRequest;
import org.mozilla.relengapi.proxy.testsupport.Scripts;

/**
 * The path and query reach the upstream byte for byte as the client encoded them (RFC 3986 §2.2: an encoded reserved
 * character is not the literal one), on a route with a base path and on one without. Sent over a raw socket, so
 * that no client library re-encodes them on the way in.
 */
class PathForwardingTest {
    private static final HttpFake plain = new HttpFake(Scripts.echo("plain"));
    @RegisterExtension
    static final ProxyUnderTest proxy = ProxyUnderTest.builder().routes("tooltool").basePath("/base")
        .route("plain", plain).build();

    private static RecordedRequest forward(String target, HttpFake upstream) throws Exception {
        RawHttp.Response response = RawHttp.send(proxy.port(),
            "GET " + target + " HTTP/1.1\r\nHost: relengapi\r\nConnection: close\r\n\r\n");
        assertEquals(200, response.status(), response.text());
        return upstream.lastRequest();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a%2Bb", "a+b", "%3A%40%24%3D%2C%21", "%3a%40", "caf%E9", "caf%C3%A9", "%7e%7E~", "%61bc",
        "%25", "%252e%252e", "%20", "sha512/0123abcd/", "a%3Bb", "%3F%23"})
    void pathGoesUpstreamAsEncoded(String rest) throws Exception {
        assertEquals("/base/" + rest, forward("/tooltool/" + rest, proxy.upstream("tooltool")).rawPath());
        assertEquals("/" + rest, forward("/plain/" + rest, plain).rawPath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=%2B+b", "c=%3d%26&d=%3D", "e=%E9&f=%C3%A9", "g=/?:@!$'()*,;", "h", "=&&=", "i=%2e%2e%2F"})
    void queryGoesUpstreamAsEncoded(String query) throws Exception {
        assertEquals(query, forward("/tooltool/x?" + query, proxy.upstream("tooltool")).query());
        assertEquals(query, forward("/plain/x?" + query, plain).query());
    }

    @Test
    void rawUtf8InTheQueryGoesUpstreamPercentEncoded() throws Exception {
        // RawHttp sends each char as one byte: these are the UTF-8 bytes of U+1F600, which a URI may not hold raw.
        String utf8Bytes = "\u00f0\u009f\u0098\u0080";
        assertEquals("q=%F0%9F%98%80", forward("/tooltool/x?q=" + utf8Bytes, proxy.upstream("tooltool")).query());
    }
}
