package org.mozilla.relengapi.proxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mozilla.relengapi.proxy.testsupport.HttpFake;
import org.mozilla.relengapi.proxy.testsupport.ProxyUnderTest;
import org.mozilla.relengapi.proxy.testsupport.RawHttp;
import org.mozilla.relengapi.proxy.testsupport.Scripts;
import org.mozilla.relengapi.proxy.testsupport.SecretLeakCheck;

/**
 * A request-target the proxy accepted must also fit in the request it sends upstream, whose head grows by the
 * Authorization, Via and Forwarded headers the proxy adds; one the proxy does not accept is the client's problem (414),
 * never an upstream error. The token here is far longer than RelengAPI's (~300 bytes) to widen the gap.
 */
class LongTargetTest {
    private static final int TOKEN_LENGTH = 4000;
    /** The connector's limit on a request head is 8 KiB: a request line alone of more than that is a 414. */
    private static final int HEAD_LIMIT = 8192;
    @RegisterExtension
    static final ProxyUnderTest proxy = ProxyUnderTest.builder().basePath("/base")
        .tokens(new Scripts.Tokens().ofLength(TOKEN_LENGTH)).build();

    private static String targetOfLength(int length) {
        String prefix = "/tooltool/";
        return prefix + "a".repeat(length - prefix.length());
    }

    private static RawHttp.Response get(String target) throws Exception {
        return RawHttp.send(proxy.port(), "GET " + target + " HTTP/1.1\r\nHost: relengapi\r\nConnection: close\r\n\r\n");
    }

    @Test
    void targetJustUnderTheLimitIsForwardedWithItsToken() throws Exception {
        String target = targetOfLength(7900);
        RawHttp.Response response = get(target);
        assertEquals(200, response.status(), response.text().substring(0, Math.min(300, response.text().length())));
        HttpFake tooltool = proxy.upstream("tooltool");
        assertEquals("/base" + target.substring("/tooltool".length()), tooltool.lastRequest().rawPath());
        assertEquals(TOKEN_LENGTH, tooltool.lastRequest().header("Authorization").length() - "Bearer ".length());
    }

    @Test
    void targetOverTheLimitGets414AndReachesNoUpstream() throws Exception {
        RawHttp.Response response = get(targetOfLength(HEAD_LIMIT + 100));
        assertEquals(414, response.status(), response.text());
        JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
        assertEquals("target_too_long", body.get("error").getAsString(), response.text());
        assertTrue(body.get("message").getAsString().length() > 0, response.text());
        SecretLeakCheck.assertNoSecretIn(response.text());
        for (HttpFake upstream : proxy.upstreams.values()) {
            assertTrue(upstream.requests().isEmpty(), upstream.uri() + " was reached");
        }
    }
}
