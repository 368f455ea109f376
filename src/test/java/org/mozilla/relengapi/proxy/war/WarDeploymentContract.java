package org.mozilla.relengapi.proxy.war;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mozilla.relengapi.proxy.testsupport.Digests;
import org.mozilla.relengapi.proxy.testsupport.FakeForwardProxy;
import org.mozilla.relengapi.proxy.testsupport.HttpFake;
import org.mozilla.relengapi.proxy.testsupport.RecordedRequest;
import org.mozilla.relengapi.proxy.testsupport.Scripts;
import org.mozilla.relengapi.proxy.testsupport.ServletContainer;
import org.mozilla.relengapi.proxy.testsupport.TaskIds;

/**
 * What the WAR must do in any servlet container. Each container's test class starts it once, with the WAR deployed
 * twice: {@value #CONTEXT} configured right, {@value #BROKEN} with a bad argument.
 */
abstract class WarDeploymentContract {
    static final String CONTEXT = "relengapi";
    static final String BROKEN = "broken";
    /** Reaches the queue, the token service and tooltool by names that only the forward proxy resolves. */
    static final String EGRESS = "egress";
    static final String BAD_ARGUMENT_LINE = "relengapi-proxy: --route nonsense: expected PREFIX=URL";

    static HttpFake queue;
    static Scripts.Tokens tokens;
    static HttpFake tokenService;
    static HttpFake tooltool;
    static String issuingToken;
    static ServletContainer container;
    static FakeForwardProxy forwardProxy;
    /** The {@value #EGRESS} deployment's own, so that {@link #tokenService} holds the main deployment's tokens only. */
    static Scripts.Tokens egressTokens;
    static HttpFake egressTokenService;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Starts the fakes and the container (made by {@code containerFactory}) with both deployments. */
    static void startContainer(Path dir, ContainerFactory containerFactory) throws Exception {
        issuingToken = "war-issuing-" + UUID.randomUUID();
        Path tokenFile = Files.writeString(dir.resolve("issuing.token"), issuingToken + "\n");
        queue = new HttpFake(new Scripts.Queue()
            .add(TaskIds.TASK, List.of("docker-worker:relengapi-proxy:tooltool.download.internal"))).start();
        tokens = new Scripts.Tokens();
        tokenService = new HttpFake(tokens).start();
        tooltool = new HttpFake(Scripts.echo("tooltool")).start();
        Path base = Files.createDirectories(dir.resolve("base"));
        container = containerFactory.create(base);
        String common = "--relengapi-token-file " + tokenFile + " --root-url " + queue.uri()
            + " --tokens-url " + tokenService.uri("/tokens") + " --idle-timeout 60s";
        container.deploy(CONTEXT, common + " --route tooltool=" + tooltool.uri() + " -- " + TaskIds.TASK);
        container.deploy(BROKEN, common + " --route nonsense -- " + TaskIds.TASK);
        egressTokens = new Scripts.Tokens();
        egressTokenService = new HttpFake(egressTokens).start();
        container.deploy(EGRESS, "--relengapi-token-file " + tokenFile
            + " --root-url " + FakeForwardProxy.nameOnlyTheProxyKnows(queue.uri(), "queue")
            + " --tokens-url " + FakeForwardProxy.nameOnlyTheProxyKnows(egressTokenService.uri("/tokens"), "tokens")
            + " --route tooltool=" + FakeForwardProxy.nameOnlyTheProxyKnows(tooltool.uri(), "tooltool") + " -- " + TaskIds.TASK);
        forwardProxy = new FakeForwardProxy().start();
        // The other deployments use loopback addresses, which are never proxied.
        container.start("/" + CONTEXT + "/__heartbeat__", Map.of("HTTP_PROXY", forwardProxy.uri().toString(), "NO_PROXY", ""));
    }

    @AfterAll
    static void stopContainer() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {container, queue, tokenService, tooltool, forwardProxy, egressTokenService}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        // The next container's test class starts from nothing, even if this one failed half-way.
        container = null;
        queue = null;
        tokenService = null;
        tooltool = null;
        forwardProxy = null;
        egressTokenService = null;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(container.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void upstreamReceivesTheTokenUnderTheContextPath() throws Exception {
        HttpResponse<String> response = get("/" + CONTEXT + "/tooltool/sha512/abc?x=1");
        assertEquals(200, response.statusCode(), response.body());
        RecordedRequest received = tooltool.lastRequest();
        assertEquals("/sha512/abc", received.rawPath());
        assertEquals("x=1", received.query());
        assertEquals("Bearer " + tokens.issued().get(0), received.header("Authorization"));
        assertEquals("Bearer " + issuingToken, tokenService.requests().get(0).header("Authorization"));
    }

    @Test
    void egressGoesThroughTheForwardProxyNamedInTheContainersEnvironment() throws Exception {
        HttpResponse<String> response = get("/" + EGRESS + "/tooltool/through-the-forward-proxy");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("/through-the-forward-proxy", tooltool.lastRequest().rawPath());
        assertEquals("Bearer " + egressTokens.issued().get(0), tooltool.lastRequest().header("Authorization"));
        List<String> seen = forwardProxy.seen().stream().map(FakeForwardProxy.Seen::requestLine).toList();
        for (String expected : List.of("GET http://queue.egress.test:", "POST http://tokens.egress.test:",
            "GET http://tooltool.egress.test:")) {
            assertTrue(seen.stream().anyMatch(line -> line.startsWith(expected)), expected + " not in " + seen);
        }
    }

    @Test
    void reservedPathsAreUnderTheContextPath() throws Exception {
        assertEquals(200, get("/" + CONTEXT + "/__heartbeat__").statusCode());
        assertEquals(200, get("/" + CONTEXT + "/__lbheartbeat__").statusCode());
        assertEquals(200, get("/" + CONTEXT + "/__version__").statusCode());
        assertEquals(404, get("/" + CONTEXT + "/unknown").statusCode());
    }

    @Test
    void dotSegmentsAreRefused() throws Exception {
        int before = tooltool.requests().size();
        HttpResponse<String> response = get("/" + CONTEXT + "/tooltool/%2e%2e/x");
        assertEquals(400, response.statusCode());
        assertEquals(before, tooltool.requests().size());
    }

    @Test
    void anEncodedReservedCharacterReachesTheUpstreamAsSent() throws Exception {
        HttpResponse<String> response = get("/" + CONTEXT + "/tooltool/a%2Bb%3A%40");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("/a%2Bb%3A%40", tooltool.lastRequest().rawPath());
    }

    /** Containers map *.jsp (Jetty also *.jspx, *.xsp...) to their own servlets: a route's path is forwarded all the same. */
    @ParameterizedTest
    @ValueSource(strings = {"x.jsp", "x.JSPX", "x.jspf", "x.xsp"})
    void aRoutePathThatLooksLikeAPageOfTheContainerIsForwarded(String name) throws Exception {
        HttpResponse<String> response = get("/" + CONTEXT + "/tooltool/pages/" + name);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("/pages/" + name, tooltool.lastRequest().rawPath());
    }

    /** Some reach the proxy's JSON refusal, some the container's own (see the README): none reaches the upstream. */
    @ParameterizedTest
    @ValueSource(strings = {"//x", "a%2Fb", "a%5Cb", "a;b", "%2e%2e/x", "..%2Fx"})
    void ambiguousPathsAreRefusedWith400(String rest) throws Exception {
        int before = tooltool.requests().size();
        HttpResponse<String> response = get("/" + CONTEXT + "/tooltool/" + rest);
        assertEquals(400, response.statusCode(), response.body());
        assertEquals(before, tooltool.requests().size());
    }

    @Test
    void quotedAndJsonResponseHeadersPassThroughUnchanged() throws Exception {
        HttpResponse<String> response = get("/" + CONTEXT + "/tooltool/quoted-redirect");
        assertEquals(302, response.statusCode());
        assertEquals(List.of(Scripts.NEL), response.headers().allValues("NEL"));
        assertEquals(List.of(tooltool.uri("/followed").toString()), response.headers().allValues("Location"));
        assertEquals(List.of(Scripts.CONTENT_DISPOSITION), response.headers().allValues("Content-Disposition"));
    }

    @Test
    void hundredMegabyteDownloadIsByteExact() throws Exception {
        long length = 100L * 1024 * 1024;
        Digests.assertDownloadsPattern(client, container.uri("/" + CONTEXT + "/tooltool/bytes/" + length), length);
    }

    @Test
    void slowDownloadOutlivesTheContainersDefaultTimeouts() throws Exception {
        // 72 chunks of 64 KiB, 500 ms apart: 36 s, past the containers' 30 s defaults (async timeout, idle timeout).
        long length = 72L * 65536;
        Digests.assertDownloadsPattern(client, container.uri("/" + CONTEXT + "/tooltool/bytes/" + length + "?pauseMs=500"),
            length);
    }

    @Test
    void badConfigurationFailsOnlyItsOwnDeploymentWithTheOneLineMessage() throws Exception {
        assertTrue(container.log().contains(BAD_ARGUMENT_LINE), container.log());
        assertNotEquals(200, get("/" + BROKEN + "/__lbheartbeat__").statusCode());
        assertEquals(200, get("/" + CONTEXT + "/__lbheartbeat__").statusCode());
    }

    @Test
    void theContainerLogHoldsTheProxysLinesAndNoToken() throws Exception {
        get("/" + CONTEXT + "/tooltool/for-the-log");
        String log = container.log();
        assertTrue(log.contains("task " + TaskIds.TASK + ": permissions"), log);
        assertFalse(log.contains(issuingToken));
        for (Scripts.Tokens issuer : List.of(tokens, egressTokens)) {
            for (String token : issuer.issued()) {
                assertFalse(log.contains(token));
            }
        }
    }

    /** Makes a container in a base directory. */
    interface ContainerFactory {
        ServletContainer create(Path base) throws Exception;
    }
}
