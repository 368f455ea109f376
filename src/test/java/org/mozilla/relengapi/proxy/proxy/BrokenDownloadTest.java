package org.mozilla.relengapi.proxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mozilla.relengapi.proxy.testsupport.ProxyUnderTest;
import org.mozilla.relengapi.proxy.testsupport.RawHttp;
import org.mozilla.relengapi.proxy.testsupport.ScriptedUpstream;
import org.mozilla.relengapi.proxy.testsupport.SecretLeakCheck;

/** A download the upstream breaks off mid-body is never passed off to the client as complete. */
class BrokenDownloadTest {
    private static final String CHUNK = "x".repeat(65536);
    // Two whole 64 KiB chunks (more than the proxy buffers, so the client already has the 200), then half of a third
    // and the upstream goes away.
    @RegisterExtension
    static final ProxyUnderTest proxy = ProxyUnderTest.builder().routes()
        .route("broken", ScriptedUpstream.droppingAfter("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "10000\r\n" + CHUNK + "\r\n10000\r\n" + CHUNK + "\r\n10000\r\n" + CHUNK.substring(32768))).build();

    @Test
    void http10ClientSeesAResetNotACleanClose() throws Exception {
        String path = "/broken/http10-" + System.nanoTime();
        RawHttp.Ended ended = RawHttp.sendUntilEnded(proxy.port(), "GET " + path + " HTTP/1.0\r\nHost: relengapi\r\n\r\n",
            Duration.ofSeconds(30));
        assertEquals(RawHttp.Ending.RESET, ended.ending(), "a clean close would pass the partial body off as complete");
        awaitLogLine("GET " + path + ": upstream failed mid-response");
    }

    @Test
    void http11ClientSeesAChunkStreamWithoutItsLastChunk() throws Exception {
        String path = "/broken/http11-" + System.nanoTime();
        RawHttp.Ended ended = RawHttp.sendUntilEnded(proxy.port(), "GET " + path + " HTTP/1.1\r\nHost: relengapi\r\n\r\n",
            Duration.ofSeconds(30));
        assertTrue(ended.text().startsWith("HTTP/1.1 200 ") && ended.text().contains("\r\nTransfer-Encoding: chunked\r\n"),
            ended.text().substring(0, Math.min(200, ended.text().length())));
        assertFalse(ended.text().endsWith("0\r\n\r\n"), "the stream must not look complete");
        awaitLogLine("GET " + path + ": upstream failed mid-response");
    }

    private static void awaitLogLine(String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!SecretLeakCheck.captured().contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(SecretLeakCheck.captured().contains(text), "no log line: " + text);
    }
}
