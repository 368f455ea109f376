package org.mozilla.relengapi.proxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mozilla.relengapi.proxy.testsupport.HttpFake;
import org.mozilla.relengapi.proxy.testsupport.ProxyUnderTest;
import org.mozilla.relengapi.proxy.testsupport.RecordedRequest;
import org.mozilla.relengapi.proxy.testsupport.Scripts;

class UpstreamConnectionsTest {

    @Test
    void routesToTheSameUpstreamShareItsKeepAliveConnection() throws Exception {
        HttpFake upstream = new HttpFake(Scripts.echo("shared"));
        try (ProxyUnderTest proxy = ProxyUnderTest.builder().routes()
                 .route("first", upstream).route("second", upstream).start().awaitToken()) {
            assertEquals(200, proxy.get("/first/a").statusCode());
            assertEquals(200, proxy.get("/second/b").statusCode());
            assertEquals(200, proxy.get("/first/c").statusCode());

            List<RecordedRequest> received = upstream.requests();
            assertEquals(List.of("/a", "/b", "/c"), received.stream().map(RecordedRequest::rawPath).toList());
            assertEquals(1, received.stream().map(RecordedRequest::remotePort).distinct().count(),
                "one connection served both routes: " + received.stream().map(RecordedRequest::remotePort).toList());
        }
    }
}
