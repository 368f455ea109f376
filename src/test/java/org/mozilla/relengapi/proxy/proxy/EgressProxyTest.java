package org.mozilla.relengapi.proxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mozilla.relengapi.proxy.server.Launcher;
import org.mozilla.relengapi.proxy.testsupport.FakeForwardProxy;
import org.mozilla.relengapi.proxy.testsupport.HttpFake;
import org.mozilla.relengapi.proxy.testsupport.ProxyUnderTest;
import org.mozilla.relengapi.proxy.testsupport.Scripts;
import org.mozilla.relengapi.proxy.testsupport.SecretLeakCheck;
import org.mozilla.relengapi.proxy.testsupport.TaskIds;
import org.mozilla.relengapi.proxy.testsupport.TestCertificates;

/**
 * Outbound calls through a real forward proxy, as in a locked-down network. The queue, the token service and the
 * upstreams are given by names only the forward proxy resolves: a call that bypassed it would fail for want of DNS.
 */
class EgressProxyTest {

    private static List<String> requestLines(FakeForwardProxy forward) {
        return forward.seen().stream().map(FakeForwardProxy.Seen::requestLine).toList();
    }

    private static boolean saw(FakeForwardProxy forward, String prefix) {
        return requestLines(forward).stream().anyMatch(line -> line.startsWith(prefix));
    }

    @Test
    void httpCallsGoThroughHttpProxyInAbsoluteForm() throws Exception {
        try (FakeForwardProxy forward = new FakeForwardProxy().start();
             ProxyUnderTest proxy = ProxyUnderTest.builder().routes("tooltool").namesOnlyTheForwardProxyKnows()
                 .environment(Map.of("HTTP_PROXY", forward.uri().toString())).start().awaitToken()) {
            assertEquals(200, proxy.get("/tooltool/sha512/abc").statusCode());
            assertEquals("/sha512/abc", proxy.upstream("tooltool").lastRequest().rawPath());
            assertTrue(saw(forward, "GET http://queue.egress.test:"), requestLines(forward).toString());
            assertTrue(saw(forward, "POST http://tokens.egress.test:"), requestLines(forward).toString());
            assertTrue(saw(forward, "GET http://tooltool.egress.test:"), requestLines(forward).toString());
        }
    }

    @Test
    void httpsCallsGoThroughConnectTunnels(@TempDir Path dir) throws Exception {
        TestCertificates tls = TestCertificates.create(dir);
        try (FakeForwardProxy forward = new FakeForwardProxy().start();
             HttpFake secure = new HttpFake(Scripts.echo("secure"), tls).start();
             ProxyUnderTest proxy = ProxyUnderTest.builder().routes().namesOnlyTheForwardProxyKnows()
                 .tokenServiceOverHttps(tls)
                 .route("tooltool", FakeForwardProxy.nameOnlyTheProxyKnows(secure.uri(), "tooltool"))
                 .args("--ca-file", tls.caPem().toString())
                 // Lower case, as many images set it; the queue stays plain HTTP through HTTP_PROXY.
                 .environment(Map.of("https_proxy", forward.uri().toString(), "HTTP_PROXY", forward.uri().toString()))
                 .start().awaitToken()) {
            assertEquals(200, proxy.get("/tooltool/x").statusCode());
            assertEquals(1, secure.requests().size());
            assertTrue(saw(forward, "CONNECT tokens.egress.test:" + proxy.tokenService.port()), requestLines(forward).toString());
            assertTrue(saw(forward, "CONNECT tooltool.egress.test:" + secure.port()), requestLines(forward).toString());
        }
    }

    @Test
    void loopbackTargetsNeverGoThroughTheProxy() throws Exception {
        try (FakeForwardProxy forward = new FakeForwardProxy().start();
             ProxyUnderTest proxy = ProxyUnderTest.builder().routes("tooltool")
                 .environment(Map.of("HTTP_PROXY", forward.uri().toString(), "HTTPS_PROXY", forward.uri().toString()))
                 .start().awaitToken()) {
            assertEquals(200, proxy.get("/tooltool/x").statusCode());
            assertEquals(List.of(), requestLines(forward));
        }
    }

    @Test
    void noProxyNamesGoDirect() throws Exception {
        // tooltool.egress.test is excluded: the proxy under test tries it directly and finds no such host.
        try (FakeForwardProxy forward = new FakeForwardProxy().start();
             ProxyUnderTest proxy = ProxyUnderTest.builder().routes("tooltool").namesOnlyTheForwardProxyKnows()
                 .environment(Map.of("HTTP_PROXY", forward.uri().toString(), "NO_PROXY", "tooltool.egress.test"))
                 .start().awaitToken()) {
            assertEquals(502, proxy.get("/tooltool/x").statusCode());
            assertFalse(saw(forward, "GET http://tooltool.egress.test"), requestLines(forward).toString());
            assertTrue(saw(forward, "POST http://tokens.egress.test:"), requestLines(forward).toString());
        }
    }

    @Test
    void theOptionOverridesTheEnvironment() throws Exception {
        try (FakeForwardProxy forward = new FakeForwardProxy().start();
             ProxyUnderTest proxy = ProxyUnderTest.builder().routes("tooltool").namesOnlyTheForwardProxyKnows()
                 .environment(Map.of("HTTP_PROXY", "http://127.0.0.1:1"))
                 .args("--egress-proxy", forward.uri().toString()).start().awaitToken()) {
            assertEquals(200, proxy.get("/tooltool/x").statusCode());
            assertTrue(saw(forward, "GET http://tooltool.egress.test:"), requestLines(forward).toString());
        }
    }

    @Test
    void proxyCredentialsAreSentOnEveryCallAndNeverLogged(@TempDir Path dir) throws Exception {
        String password = "proxy-pw-" + UUID.randomUUID();
        SecretLeakCheck.registerSecret(password);
        TestCertificates tls = TestCertificates.create(dir);
        try (FakeForwardProxy forward = new FakeForwardProxy().start().requireCredentials("worker", password);
             HttpFake secure = new HttpFake(Scripts.echo("secure"), tls).start();
             ProxyUnderTest proxy = ProxyUnderTest.builder().routes("tooltool").namesOnlyTheForwardProxyKnows()
                 .route("secure", FakeForwardProxy.nameOnlyTheProxyKnows(secure.uri(), "tooltool"))
                 .args("--ca-file", tls.caPem().toString(),
                     "--egress-proxy", "http://worker:" + password + "@127.0.0.1:" + forward.uri().getPort())
                 .start().awaitToken()) {
            assertEquals(200, proxy.get("/tooltool/x").statusCode());
            assertEquals(200, proxy.get("/secure/x").statusCode());
            assertTrue(forward.seen().stream().anyMatch(seen -> seen.requestLine().startsWith("CONNECT tooltool.egress.test")
                && seen.proxyAuthorization() != null), requestLines(forward).toString());
            // Jetty removes Proxy-Authorization on its way to the upstream, and so must the tunnel.
            assertEquals(null, secure.lastRequest().header("Proxy-Authorization"));
            String log = SecretLeakCheck.captured();
            assertTrue(log.contains("egress proxies: http: " + forward.uri()), log);
        }
    }

    @Test
    void anUnsupportedProxyVariableIsABadCommandLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Launcher.Started started = new Launcher(System.out, new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("HTTPS_PROXY", "socks5://user:hunter2@proxy.example:1080"))
            .start(List.of("--relengapi-token=issuing-token-for-the-test", "--", TaskIds.TASK));
        assertEquals(Launcher.BAD_ARGUMENTS, started.exitStatus());
        String message = err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
        assertEquals("relengapi-proxy: HTTPS_PROXY: socks5:// proxies are not supported, only http://", message);
    }
}
