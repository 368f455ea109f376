package org.mozilla.relengapi.proxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mozilla.relengapi.proxy.testsupport.ProxyUnderTest;
import org.mozilla.relengapi.proxy.testsupport.RawHttp;
import org.mozilla.relengapi.proxy.testsupport.ScriptedUpstream;

/** Client request headers reach the upstream as the client sent them (raw bytes on both ends). */
class RequestHeadersTest {
    private static final ScriptedUpstream upstream = ScriptedUpstream.answering(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    @RegisterExtension
    static final ProxyUnderTest proxy = ProxyUnderTest.builder().routes().route("raw", upstream).build();

    /** The header lines the upstream received for a request with these header lines. */
    private static List<String> receivedUpstream(List<String> sentHeaderLines) throws Exception {
        RawHttp.Response response = RawHttp.send(proxy.port(),
            "GET /raw/x HTTP/1.1\r\nHost: relengapi\r\n" + String.join("\r\n", sentHeaderLines) + "\r\n\r\n");
        assertEquals(200, response.status(), response.text());
        List<String> lines = Arrays.asList(upstream.lastRequestHead().split("\r\n"));
        return lines.subList(1, lines.size());
    }

    private static List<String> named(List<String> lines, String... names) {
        List<String> wanted = Arrays.stream(names).map(n -> n.toLowerCase(Locale.ROOT) + ":").toList();
        return lines.stream().filter(line -> wanted.stream().anyMatch(line.toLowerCase(Locale.ROOT)::startsWith)).toList();
    }

    @Test
    void valuesRepeatsAndOrderArriveAsSent() throws Exception {
        List<String> sent = List.of("X-B: 1", "Cookie: a=\"quoted value\"; b=2", "X-B: 2,3", "Accept: text/plain;q=0.5,  */*",
            "Content-Type: text/plain; charset=UTF-8", "X-Json: {\"k\":\"v\",\"n\":[1,2]}", "X-B: 4");
        List<String> received = receivedUpstream(sent);
        assertEquals(sent, named(received, "X-B", "Cookie", "Accept", "Content-Type", "X-Json"));
    }

    @Test
    void aBodyWithoutContentTypeGetsNoneAdded() throws Exception {
        RawHttp.Response response = RawHttp.send(proxy.port(),
            "POST /raw/x HTTP/1.1\r\nHost: relengapi\r\nContent-Length: 5\r\n\r\nhello");
        assertEquals(200, response.status(), response.text());
        assertEquals(List.of(), named(Arrays.asList(upstream.lastRequestHead().split("\r\n")), "Content-Type"));
    }

    @Test
    void hopByHopHeadersAndThoseNamedInConnectionAreDropped() throws Exception {
        List<String> received = receivedUpstream(List.of("Connection: X-Hop", "X-Hop: gone", "Keep-Alive: timeout=5",
            "Proxy-Authorization: Basic eDp5", "Proxy-Other: gone", "Trailers: x", "X-Kept: yes"));
        assertEquals(List.of("X-Kept: yes"), named(received, "Connection", "X-Hop", "Keep-Alive", "Proxy-Authorization",
            "Proxy-Other", "Trailers", "X-Kept"));
    }

    @Test
    void viaNamesTheProxyByItsPseudonymNotTheHostName() throws Exception {
        List<String> via = named(receivedUpstream(List.of()), "Via");
        assertEquals(List.of("Via: 1.1 relengapi-proxy"), via);
        assertFalse(via.get(0).contains(InetAddress.getLocalHost().getHostName()));
    }

    @Test
    void headerNamesWithUnderscoresAreForwarded() throws Exception {
        assertEquals(List.of("X_Build_Id: 42"), named(receivedUpstream(List.of("X_Build_Id: 42")), "X_Build_Id"));
    }
}
