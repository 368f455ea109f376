package org.mozilla.relengapi.proxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mozilla.relengapi.proxy.testsupport.MalformedRequests;
import org.mozilla.relengapi.proxy.testsupport.ProxyUnderTest;
import org.mozilla.relengapi.proxy.testsupport.RawHttp;

/** Bounded load and a fixed-seed fuzz against one running proxy: no crash, no hang, no 5xx of its own, no leak. */
class PressureTest {
    private static final int CLIENTS = 1000;
    private static final int FUZZ_CASES = 10_000;
    private static final long SEED = 20261126L;
    @RegisterExtension
    static final ProxyUnderTest proxy = ProxyUnderTest.builder().withCatchAll().build();

    @Test
    void thousandConcurrentKeepAliveClientsAllSucceed() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int round = 0; round < 3; round++) {
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                responses.add(client.sendAsync(HttpRequest.newBuilder(proxy.uri("/tooltool/load/" + round + "/" + i))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> response : responses) {
                assertEquals(200, response.get().statusCode());
            }
        }
        assertEquals(3 * CLIENTS, proxy.upstream("tooltool").requests().stream()
            .filter(request -> request.rawPath().startsWith("/load/")).count());
        assertEquals(1, proxy.tokenService.requests().size(), "one issuance whatever the load");
    }

    @Test
    void fuzzedRequestsNeverCrashHangOrLeak() throws Exception {
        MalformedRequests generator = new MalformedRequests(SEED);
        List<byte[]> cases = new ArrayList<>();
        for (int i = 0; i < FUZZ_CASES; i++) {
            cases.add(generator.next());
        }
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        ExecutorService workers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int worker = w;
                done.add(workers.submit(() -> {
                    for (int i = worker; i < cases.size(); i += 8) {
                        check(i, cases.get(i), statuses);
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            workers.shutdownNow();
        }
        System.out.println("fuzz statuses (0 = closed without an answer): " + new TreeMap<>(statuses));
        assertEquals(200, proxy.get("/tooltool/after-fuzz").statusCode());
        assertEquals(200, proxy.get("/__heartbeat__").statusCode());
        assertTrue(statuses.keySet().stream().anyMatch(s -> s == 400), "the fuzz reached the parser's refusals");
        assertTrue(statuses.keySet().stream().anyMatch(s -> s == 200), "the fuzz reached the upstreams too");
    }

    private static void check(int index, byte[] request, Map<Integer, AtomicInteger> statuses) throws IOException {
        String response = exchange(index, request);
        int status = response.startsWith("HTTP/1.") && response.length() >= 12 ? Integer.parseInt(response.substring(9, 12)) : 0;
        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        // 501 is the one 5xx that is the client's doing: a transfer coding the proxy does not implement (contract).
        boolean unimplementedCoding = status == 501 && asksForATransferCodingOtherThanChunked(request);
        if (status >= 500 && status != 502 && status != 503 && status != 504 && !unimplementedCoding) {
            fail("case " + index + " got " + status + " for:\n" + new String(request, StandardCharsets.ISO_8859_1));
        }
        boolean fromEcho = response.contains("\r\nX-Upstream: ");
        for (String token : proxy.tokens.issued()) {
            if (response.contains(token) && !fromEcho) {
                fail("case " + index + ": a token outside an echo response");
            }
        }
        if (response.contains(proxy.issuingToken)) {
            fail("case " + index + ": the issuing token in a response");
        }
    }

    private static boolean asksForATransferCodingOtherThanChunked(byte[] request) {
        for (String line : new String(request, StandardCharsets.ISO_8859_1).split("\r?\n")) {
            if (line.isEmpty()) {
                return false;
            }
            if (line.toLowerCase(Locale.ROOT).startsWith("transfer-encoding:")) {
                for (String coding : line.substring(line.indexOf(':') + 1).split(",")) {
                    if (!coding.isBlank() && !coding.trim().equalsIgnoreCase("chunked")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static String exchange(int index, byte[] request) throws IOException {
        try {
            return RawHttp.exchangeAndHalfClose(proxy.port(), request, Duration.ofSeconds(10)).text();
        } catch (SocketTimeoutException e) {
            return fail("case " + index + " hung: no answer and no close within 10 s for:\n"
                + new String(request, StandardCharsets.ISO_8859_1));
        }
    }
}
