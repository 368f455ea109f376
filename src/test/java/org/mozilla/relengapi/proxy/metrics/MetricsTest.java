package org.mozilla.relengapi.proxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mozilla.relengapi.proxy.testsupport.Eventually;
import org.mozilla.relengapi.proxy.testsupport.ProxyUnderTest;
import org.mozilla.relengapi.proxy.testsupport.Scripts;
import org.mozilla.relengapi.proxy.testsupport.SecretLeakCheck;

/** /__metrics__ over real HTTP: the counters move with the traffic, and hold no token. */
class MetricsTest {

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static String scrape(ProxyUnderTest proxy) throws Exception {
        HttpResponse<String> response = proxy.get("/__metrics__");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        SecretLeakCheck.assertNoSecretIn(response.body());
        return response.body();
    }

    /**
     * A request is counted once its exchange is complete, which is after the client has the end of the answer: a
     * scrape right after a response may not hold it yet, so the scrape is repeated until {@code series} has reached
     * {@code expected}. What it then holds is asserted exactly (nothing else is in flight by then).
     */
    private static String scrapeOnceCounted(ProxyUnderTest proxy, String series, double expected) throws Exception {
        return Eventually.await(() -> scrape(proxy), metrics -> value(metrics, series) >= expected);
    }

    @Test
    void countersMoveWithRequestsBytesAndTokens() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.start().awaitToken()) {
            proxy.get("/tooltool/a");
            proxy.get("/tooltool/status/404");
            proxy.get("/tooltool/bytes/100000");
            proxy.send(HttpRequest.newBuilder(proxy.uri("/mapper/upload")).POST(HttpRequest.BodyPublishers.ofString("x".repeat(5000))));
            proxy.get("/nowhere");
            String metrics = Eventually.await(() -> scrape(proxy), scraped ->
                value(scraped, "relengapi_proxy_requests_total{route=\"tooltool\",status=\"200\"}") >= 2
                    && value(scraped, "relengapi_proxy_requests_total{route=\"tooltool\",status=\"404\"}") >= 1
                    && value(scraped, "relengapi_proxy_requests_total{route=\"mapper\",status=\"200\"}") >= 1
                    && value(scraped, "relengapi_proxy_requests_total{route=\"unknown-route\",status=\"404\"}") >= 1);
            assertEquals(2, value(metrics, "relengapi_proxy_requests_total{route=\"tooltool\",status=\"200\"}"), metrics);
            assertEquals(1, value(metrics, "relengapi_proxy_requests_total{route=\"tooltool\",status=\"404\"}"));
            assertEquals(1, value(metrics, "relengapi_proxy_requests_total{route=\"mapper\",status=\"200\"}"));
            assertEquals(1, value(metrics, "relengapi_proxy_requests_total{route=\"unknown-route\",status=\"404\"}"));
            assertTrue(value(metrics, "relengapi_proxy_proxied_bytes_total{direction=\"to_client\",route=\"tooltool\"}") >= 100000,
                metrics);
            assertEquals(5000, value(metrics, "relengapi_proxy_proxied_bytes_total{direction=\"from_client\",route=\"mapper\"}"));
            assertEquals(1, value(metrics, "relengapi_proxy_token_issuances_total{kind=\"first\"}"));
        }
    }

    @Test
    void requestsThatWaitedForATokenAreCountedOnce() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.builder()
            .tokenService(service -> service.delayAnswers(Duration.ofMillis(500))).start()) {
            assertEquals(200, proxy.get("/tooltool/waited").statusCode());
            String series = "relengapi_proxy_requests_total{route=\"tooltool\",status=\"200\"}";
            assertEquals(1, value(scrapeOnceCounted(proxy, series, 1), series));
        }
    }

    @Test
    void upstreamErrorsAndTokenFailuresAreCounted() throws Exception {
        try (Socket reserved = new Socket()) {
            reserved.bind(new InetSocketAddress("127.0.0.1", 0));
            URI refusing = URI.create("http://127.0.0.1:" + reserved.getLocalPort());
            try (ProxyUnderTest proxy = ProxyUnderTest.builder().route("gone", refusing).start().awaitToken()) {
                assertEquals(502, proxy.get("/gone/x").statusCode());
                String metrics = scrapeOnceCounted(proxy, "relengapi_proxy_requests_total{route=\"gone\",status=\"502\"}", 1);
                assertEquals(1, value(metrics, "relengapi_proxy_upstream_errors_total{kind=\"unreachable\",route=\"gone\"}"), metrics);
                assertEquals(1, value(metrics, "relengapi_proxy_requests_total{route=\"gone\",status=\"502\"}"));
            }
        }
        try (ProxyUnderTest proxy = ProxyUnderTest.builder()
            .tokenService(service -> service.answerEveryRequestWith(Scripts.Tokens.error(500, "down"))).start()) {
            assertTrue(value(scrapeOnceCounted(proxy, "relengapi_proxy_token_failures_total", 1), "relengapi_proxy_token_failures_total") >= 1);
        }
    }

    @Test
    void metricsAreNeverProxied() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.builder().withCatchAll().start()) {
            scrape(proxy);
            assertTrue(proxy.catchAll.requests().isEmpty());
            assertEquals(405, proxy.send(HttpRequest.newBuilder(proxy.uri("/__metrics__"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody())).statusCode());
        }
    }

    /** The {@code le} bounds of one histogram series, in order, with their cumulative counts. */
    private static LinkedHashMap<String, Double> buckets(String metrics, String histogram, String labels) {
        LinkedHashMap<String, Double> buckets = new LinkedHashMap<>();
        Matcher m = Pattern.compile("^" + Pattern.quote(histogram + "_bucket{" + labels) + ",?le=\"([^\"]+)\"} (\\S+)$",
            Pattern.MULTILINE).matcher(metrics);
        while (m.find()) {
            buckets.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return buckets;
    }

    private static final List<String> DOCUMENTED_BUCKETS = List.of("0.001", "0.0025", "0.005",
        "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "30.0", "60.0", "+Inf");

    @Test
    void requestDurationIsAHistogramInSecondsByRouteAndStatusClass() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.start().awaitToken()) {
            // 128 KiB with a 300 ms pause after the first 64 KiB: at least 0.3 s from arrival to the last byte.
            assertEquals(200, proxy.get("/tooltool/bytes/131072?pauseMs=300").statusCode());
            assertEquals(404, proxy.get("/tooltool/status/404").statusCode());
            String metrics = scrape(proxy);
            String histogram = "relengapi_proxy_request_duration_seconds";
            LinkedHashMap<String, Double> ok = buckets(metrics, histogram, "route=\"tooltool\",status_class=\"2xx\"");
            assertEquals(DOCUMENTED_BUCKETS, List.copyOf(ok.keySet()), metrics);
            assertEquals(0, ok.get("0.25"), "the paused download took at least 0.3 s");
            assertEquals(1, ok.get("+Inf"));
            assertTrue(value(metrics, histogram + "_sum{route=\"tooltool\",status_class=\"2xx\"}") >= 0.3, metrics);
            assertEquals(1, value(metrics, histogram + "_count{route=\"tooltool\",status_class=\"4xx\"}"), metrics);
        }
    }

    @Test
    void upstreamTimeToFirstByteIsMeasuredUntilTheHeadersNotTheWholeBody() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.start().awaitToken()) {
            assertEquals(200, proxy.get("/tooltool/bytes/131072?pauseMs=1500").statusCode());
            assertEquals(200, proxy.get("/mapper/a").statusCode());
            String metrics = scrape(proxy);
            String histogram = "relengapi_proxy_upstream_first_byte_seconds";
            LinkedHashMap<String, Double> tooltool = buckets(metrics, histogram, "route=\"tooltool\"");
            assertEquals(DOCUMENTED_BUCKETS, List.copyOf(tooltool.keySet()), metrics);
            assertEquals(1, tooltool.get("+Inf"));
            assertEquals(1, value(metrics, histogram + "_count{route=\"mapper\"}"), metrics);
            double requestSeconds = value(metrics, "relengapi_proxy_request_duration_seconds_sum{route=\"tooltool\",status_class=\"2xx\"}");
            double firstByteSeconds = value(metrics, histogram + "_sum{route=\"tooltool\"}");
            // The upstream pauses 1.5 s between its two halves; the proxy may notice the headers late on a loaded
            // machine, so the pause must show as at least 1 s of difference, not all of its 1.5 s.
            assertTrue(firstByteSeconds > 0 && requestSeconds - firstByteSeconds >= 1.0,
                "the pause after the headers counts in the request, not in the first byte: " + metrics);
        }
    }

    @Test
    void tokenExpiryIsAGaugeAndIssuanceLatencyAHistogram() throws Exception {
        try (ProxyUnderTest proxy = ProxyUnderTest.builder()
            .tokenService(service -> service.delayAnswers(Duration.ofMillis(300))).start().awaitToken()) {
            String metrics = scrape(proxy);
            double expiry = value(metrics, "relengapi_proxy_token_expiry_timestamp_seconds");
            double tenMinutesAhead = Instant.now().plusSeconds(600).getEpochSecond();
            assertTrue(Math.abs(expiry - tenMinutesAhead) < 120, "expiry " + expiry + " is not about now + 10 min: " + metrics);
            assertEquals(1, value(metrics, "relengapi_proxy_token_issuance_duration_seconds_count"), metrics);
            assertTrue(value(metrics, "relengapi_proxy_token_issuance_duration_seconds_sum") >= 0.3, metrics);
            assertEquals(0, buckets(metrics, "relengapi_proxy_token_issuance_duration_seconds", "").get("0.25"), metrics);
        }
    }
}
