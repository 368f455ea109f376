package org.mozilla.relengapi.proxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.mozilla.relengapi.proxy.testsupport.ProxyUnderTest;
import org.mozilla.relengapi.proxy.testsupport.RawHttp;
import org.mozilla.relengapi.proxy.testsupport.ScriptedUpstream;

/** 1xx answers from an upstream never stall the final answer; 102 and 103 are dropped, 100 Continue works. */
class InterimResponsesTest {

    private static RawHttp.Response throughTheProxy(String upstreamAnswer) throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.builder().routes()
            .route("raw", ScriptedUpstream.answering(upstreamAnswer)).start().awaitToken()) {
            // RawHttp gives up after 30 s without bytes: a stalled answer comes back empty.
            return RawHttp.send(proxy.port(), "GET /raw/x HTTP/1.1\r\nHost: relengapi\r\n\r\n");
        }
    }

    @Test
    void earlyHintsBeforeTheAnswerAreDroppedAndDoNotStallIt() throws Exception {
        RawHttp.Response response = throughTheProxy("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertTrue(response.text().startsWith("HTTP/1.1 200 "), response.text());
        assertEquals("ok", response.body());
        assertFalse(response.text().contains("Link:"), response.text());
    }

    @Test
    void processingBeforeTheAnswerIsDroppedAndDoesNotStallIt() throws Exception {
        RawHttp.Response response = throughTheProxy("HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n"
            + "HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone");
        assertTrue(response.text().startsWith("HTTP/1.1 201 "), response.text());
        assertEquals("done", response.body());
    }

    @Test
    void expectContinueGetsTheUpstreamsContinueThenTheAnswer() throws Exception {
        ScriptedUpstream upstream = new ScriptedUpstream(exchange -> {
            exchange.write("HTTP/1.1 100 Continue\r\n\r\n");
            byte[] body = exchange.readBody();
            exchange.write("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n"
                + new String(body, StandardCharsets.ISO_8859_1));
        });
        try (ProxyUnderTest proxy = ProxyUnderTest.builder().routes().route("raw", upstream).start().awaitToken();
             Socket client = new Socket("127.0.0.1", proxy.port())) {
            client.setSoTimeout(30_000);
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            out.write(("PUT /raw/upload HTTP/1.1\r\nHost: relengapi\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
            // The body is only sent once the 100 has come: a proxy that never sent it fails here (read timeout).
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", RawHttp.readHead(in));
            out.write("hello".getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(RawHttp.readHead(in).startsWith("HTTP/1.1 200 "));
            assertEquals("hello", new String(in.readNBytes(5), StandardCharsets.ISO_8859_1));
            assertTrue(upstream.lastRequestHead().contains("\r\nExpect: 100-continue"), upstream.lastRequestHead());
        }
    }
}
