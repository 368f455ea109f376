package org.mozilla.relengapi.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mozilla.relengapi.proxy.testsupport.Digests;
import org.mozilla.relengapi.proxy.testsupport.HttpFake;
import org.mozilla.relengapi.proxy.testsupport.ProxyProcess;
import org.mozilla.relengapi.proxy.testsupport.Scripts;
import org.mozilla.relengapi.proxy.testsupport.TaskIds;

/** The runnable jar as an operator runs it: a separate JVM, its exit status and everything it prints. */
class RunnableJarIT {
    private static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    @RegisterExtension
    final HttpFake queue = new HttpFake(new Scripts.Queue()
        .add(TaskIds.DASH_TASK, List.of("docker-worker:relengapi-proxy:tooltool.download.public")));
    private final Scripts.Tokens tokens = new Scripts.Tokens();
    @RegisterExtension
    final HttpFake tokenService = new HttpFake(tokens);
    @RegisterExtension
    final HttpFake tooltool = new HttpFake(Scripts.echo("tooltool"));
    private String issuingToken;
    private Path tokenFile;

    @BeforeEach
    void writeTokenFile() throws Exception {
        issuingToken = "jar-issuing-" + UUID.randomUUID();
        tokenFile = Files.writeString(dir.resolve("issuing.token"), issuingToken + "\n");
    }

    private ProxyProcess startProxy(String... jvmOptions) throws Exception {
        return ProxyProcess.start(List.of(jvmOptions), List.of("--port=0", "--bind=127.0.0.1", "--relengapi-token-file=" + tokenFile,
            "--root-url", queue.uri().toString(), "--tokens-url", tokenService.uri("/tokens").toString(),
            "--route", "tooltool=" + tooltool.uri(), "--", TaskIds.DASH_TASK));
    }

    private void assertNoSecretIn(ProxyProcess proxy) {
        String output = proxy.stdout() + proxy.stderr();
        assertFalse(output.contains(issuingToken), "issuing token in output");
        for (String token : tokens.issued()) {
            assertFalse(output.contains(token), "temporary token in output");
        }
    }

    @Test
    void helpGoesToStdoutAndExitsZero() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.start(List.of("--help"))) {
            assertEquals(0, proxy.waitFor(START));
            assertTrue(proxy.stdout().contains("--relengapi-token-file"));
            assertEquals("", proxy.stderr());
        }
    }

    @Test
    void badArgumentsExitTwoWithOneLineAndTheUsage() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.start(List.of("--relengapi-token=" + issuingToken, "--route", "x", "--", TaskIds.TASK))) {
            assertEquals(2, proxy.waitFor(START));
            List<String> lines = proxy.stderr().lines().toList();
            assertEquals("relengapi-proxy: --route x: expected PREFIX=URL", lines.get(0));
            assertTrue(lines.get(1).startsWith("Usage:"));
            assertFalse(proxy.stderr().contains(issuingToken));
        }
    }

    @Test
    void unknownTaskExitsOneWithOneLine() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.start(List.of("--port=0", "--relengapi-token-file", tokenFile.toString(),
            "--root-url", queue.uri().toString(), "--", TaskIds.TASK))) {
            assertEquals(1, proxy.waitFor(START));
            assertEquals(1, proxy.stderr().lines().count(), proxy.stderr());
            assertTrue(proxy.stderr().contains(TaskIds.TASK));
        }
    }

    @Test
    void queueThatKeepsFailingExitsOneAfterBoundedRetries() throws Exception {
        queue.answerEveryRequestWith(Scripts.Queue.outage(503));
        long start = System.nanoTime();
        try (ProxyProcess proxy = startProxy()) {
            assertEquals(1, proxy.waitFor(Duration.ofSeconds(60)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(15)) > 0 && took.compareTo(Duration.ofSeconds(40)) < 0, "took " + took);
            List<String> lines = proxy.stderr().lines().filter(line -> line.startsWith("relengapi-proxy:")).toList();
            assertEquals(1, lines.size(), proxy.stderr());
            assertTrue(lines.get(0).contains(TaskIds.DASH_TASK) && lines.get(0).contains("503"), lines.get(0));
            int attempts = queue.requests().size();
            assertTrue(attempts >= 5 && attempts <= 30, "backoff, not a loop: " + attempts);
            assertTrue(tokenService.requests().isEmpty());
        }
    }

    @Test
    void downloadLongerThanJettysDefaultTotalTimeoutCompletes() throws Exception {
        // 140 chunks of 64 KiB, 480 ms apart: about 67 s, past the 60 s total timeout a stock ProxyServlet would apply.
        long length = 140L * 65536;
        try (ProxyProcess proxy = startProxy()) {
            int port = proxy.awaitListening(START);
            Digests.assertDownloadsPattern(client,
                URI.create("http://127.0.0.1:" + port + "/tooltool/bytes/" + length + "?pauseMs=480"), length);
            assertNoSecretIn(proxy);
        }
    }

    @Test
    void proxiesWithTheTokenFromTheFileAndStopsWithStatusZeroOnSigterm() throws Exception {
        try (ProxyProcess proxy = startProxy()) {
            int port = proxy.awaitListening(START);
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/tooltool/sha512/abc")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("Bearer " + tokens.issued().get(0), tooltool.lastRequest().header("Authorization"));
            assertEquals("Bearer " + issuingToken, tokenService.requests().get(0).header("Authorization"));
            long signalled = System.nanoTime();
            proxy.terminate();
            assertEquals(0, proxy.waitFor(START));
            // Nothing was in flight, only the client's idle keep-alive connection: no reason to wait out the grace.
            Duration stop = Duration.ofNanos(System.nanoTime() - signalled);
            assertTrue(stop.compareTo(Duration.ofSeconds(8)) < 0, "stop took " + stop);
            // Printed as the request completes, which a graceful stop waits for.
            assertTrue(proxy.stdout().contains("\"GET /tooltool/sha512/abc\" 200"), proxy.stdout());
            assertNoSecretIn(proxy);
        }
    }

    @Test
    void debugLoggingOfTheProxyDoesNotPrintTokens() throws Exception {
        try (ProxyProcess proxy = startProxy("-Dorg.mozilla.relengapi.proxy.LEVEL=DEBUG")) {
            int port = proxy.awaitListening(START);
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/tooltool/debug")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            proxy.terminate();
            proxy.waitFor(START);
            assertTrue(proxy.stderr().contains("DEBUG"), "debug logging was on");
            assertNoSecretIn(proxy);
        }
    }

    @Test
    void mozlogPutsOneJsonRecordPerLineOnStdoutWithARequestSummaryPerRequest() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.start(List.of(), List.of("--port=0", "--bind=127.0.0.1", "--log-format=mozlog",
            "--relengapi-token-file=" + tokenFile, "--root-url", queue.uri().toString(),
            "--tokens-url", tokenService.uri("/tokens").toString(), "--route", "tooltool=" + tooltool.uri(), "--", TaskIds.DASH_TASK))) {
            int port = awaitMozlogListening(proxy);
            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tooltool/x?q=secret")).build(),
                HttpResponse.BodyHandlers.ofString());
            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/nowhere")).build(),
                HttpResponse.BodyHandlers.ofString());
            proxy.terminate();
            assertEquals(0, proxy.waitFor(START));
            List<JsonObject> records = proxy.stdout().lines().map(line -> JsonParser.parseString(line).getAsJsonObject()).toList();
            for (JsonObject record : records) {
                for (String field : List.of("Timestamp", "Type", "Logger", "Hostname", "EnvVersion", "Severity", "Pid", "Fields")) {
                    assertTrue(record.has(field), field + " in " + record);
                }
                assertEquals("2.0", record.get("EnvVersion").getAsString());
            }
            List<JsonObject> summaries = records.stream().filter(r -> r.get("Type").getAsString().equals("request.summary"))
                .map(r -> r.getAsJsonObject("Fields")).toList();
            assertEquals(2, summaries.size(), proxy.stdout());
            assertEquals("/tooltool/x", summaries.get(0).get("path").getAsString());
            assertEquals(200, summaries.get(0).get("code").getAsInt());
            assertEquals(0, summaries.get(0).get("errno").getAsInt());
            assertEquals(404, summaries.get(1).get("errno").getAsInt());
            assertFalse(proxy.stdout().contains("secret"));
            assertNoSecretIn(proxy);
        }
    }

    private static int awaitMozlogListening(ProxyProcess proxy) throws InterruptedException {
        java.util.regex.Pattern listening = java.util.regex.Pattern.compile("listening on [^ ]+:(\\d+)");
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            java.util.regex.Matcher m = listening.matcher(proxy.stdout());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no listening record; stdout:\n" + proxy.stdout() + "\nstderr:\n" + proxy.stderr());
    }

    @Test
    void sigtermLetsAnInFlightDownloadFinish() throws Exception {
        long length = 8L * 65536;
        try (ProxyProcess proxy = startProxy()) {
            int port = proxy.awaitListening(START);
            // 8 chunks, 150 ms apart: about 1.2 s of download, still running at the SIGTERM, and far within the 10 s
            // grace even on a machine loaded enough to make it several times slower (64 chunks 40 ms apart were cut).
            CompletableFuture<HttpResponse<InputStream>> download = client.sendAsync(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/tooltool/bytes/" + length + "?pauseMs=150")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
            HttpResponse<InputStream> response = download.get();
            assertEquals(200, response.statusCode());
            proxy.terminate();
            Digests.assertPatternBody(response.body(), length);
            assertEquals(0, proxy.waitFor(START));
            assertNoSecretIn(proxy);
        }
    }

    @Test
    void sigtermCutsWhatOutlastsTheGraceSaysHowManyAndExitsZero() throws Exception {
        // A terabyte: still running whenever the grace ends. One trickles 64 KiB every 2 s; the other comes at full speed
        // to a client that never reads, so the proxy's writes wait. Neither may have less than the whole grace.
        URI trickle = URI.create("/tooltool/bytes/" + (1L << 40) + "?pauseMs=2000");
        URI unread = URI.create("/tooltool/bytes/" + (1L << 40));
        // 16 chunks, 100 ms apart: finishes well within the grace, so it is not one of those cut.
        long shortLength = 16L * 65536;
        URI finishing = URI.create("/tooltool/bytes/" + shortLength + "?pauseMs=100");
        try (ProxyProcess proxy = startProxy()) {
            URI base = URI.create("http://127.0.0.1:" + proxy.awaitListening(START));
            List<HttpResponse<InputStream>> trickling = List.of(download(base.resolve(trickle)), download(base.resolve(unread)));
            HttpResponse<InputStream> finishingResponse = download(base.resolve(finishing));
            CompletableFuture<Digests.Digest> finished = CompletableFuture.supplyAsync(() -> {
                try {
                    return Digests.of(finishingResponse.body());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });

            long signalled = System.nanoTime();
            proxy.terminate();
            int status = proxy.waitFor(START);
            Duration stop = Duration.ofNanos(System.nanoTime() - signalled);

            assertEquals(0, status, proxy.stderr());
            assertTrue(stop.compareTo(Duration.ofSeconds(9)) > 0 && stop.compareTo(Duration.ofSeconds(25)) < 0, "stop took " + stop + "\n" + proxy.stdout() + proxy.stderr());
            assertEquals(new Digests.Digest(Digests.patternSha256(shortLength), shortLength), finished.get());
            for (HttpResponse<InputStream> cut : trickling) {
                assertThrows(IOException.class, () -> cut.body().transferTo(OutputStream.nullOutputStream()));
            }
            String output = proxy.stdout() + proxy.stderr();
            List<String> cutLines = output.lines().filter(line -> line.contains("cut")).toList();
            assertEquals(1, cutLines.size(), output);
            assertTrue(cutLines.get(0).endsWith("stopped: 2 request(s) still running after the 10 s grace were cut"), output);
            assertFalse(output.contains("null"), output);
            assertFalse(output.contains("failed"), output);
            assertNoSecretIn(proxy);
        }
    }

    private HttpResponse<InputStream> download(URI uri) throws Exception {
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        return response;
    }
}
