package org.mozilla.relengapi.proxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mozilla.relengapi.proxy.testsupport.Digests;
import org.mozilla.relengapi.proxy.testsupport.ProxyUnderTest;
import org.mozilla.relengapi.proxy.testsupport.RecordedRequest;
import org.mozilla.relengapi.proxy.testsupport.Scripts.Echo;

class StreamingTest {
    private static final long DOWNLOAD = 200L * 1024 * 1024;
    private static final int UPLOAD = 10 * 1024 * 1024;
    @RegisterExtension
    static final ProxyUnderTest proxy = ProxyUnderTest.builder().build();

    @Test
    void twoHundredMegabyteDownloadArrivesByteExact() throws Exception {
        HttpResponse<InputStream> response = proxy.client().send(
            HttpRequest.newBuilder(proxy.uri("/tooltool/bytes/" + DOWNLOAD)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertEquals(DOWNLOAD, response.headers().firstValueAsLong("Content-Length").orElse(-1));
        Digests.assertPatternBody(response.body(), DOWNLOAD);
    }

    @Test
    void tenMegabyteUploadArrivesByteExact() throws Exception {
        byte[] body = new byte[UPLOAD];
        Digests.fillPattern(body, 0, UPLOAD);
        HttpResponse<String> response = proxy.send(HttpRequest.newBuilder(proxy.uri("/tooltool/upload"))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertEquals(200, response.statusCode());
        Echo echo = Echo.parse(response.body());
        assertEquals(UPLOAD, echo.bodyLength());
        assertEquals(Digests.patternSha256(UPLOAD), echo.bodySha256());
    }

    @Test
    void chunkedUploadOfUnknownLengthArrivesByteExact() throws Exception {
        byte[] body = new byte[UPLOAD];
        Digests.fillPattern(body, 0, UPLOAD);
        HttpRequest.BodyPublisher unknownLength = new HttpRequest.BodyPublisher() {
            private final HttpRequest.BodyPublisher delegate = HttpRequest.BodyPublishers.ofByteArray(body);

            @Override
            public long contentLength() {
                return -1;
            }

            @Override
            public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
                delegate.subscribe(subscriber);
            }
        };
        HttpResponse<String> response = proxy.send(HttpRequest.newBuilder(proxy.uri("/mapper/upload")).POST(unknownLength));
        assertEquals(200, response.statusCode());
        RecordedRequest received = proxy.upstream("mapper").lastRequest();
        assertEquals(UPLOAD, received.bodyLength());
        assertEquals(Digests.patternSha256(UPLOAD), received.bodySha256());
    }
}
