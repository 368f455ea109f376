package org.mozilla.relengapi.proxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mozilla.relengapi.proxy.server.EmbeddedProxy;
import org.mozilla.relengapi.proxy.testsupport.ProxyUnderTest;
import org.mozilla.relengapi.proxy.testsupport.RawHttp;

/**
 * Slow clients hold no thread: with a thousand slow transfers in flight, other requests still answer; and a client
 * that trickles its request headers is cut at the header deadline.
 */
class SlowClientsTest {
    private static final int SLOW_DOWNLOADS = 500;
    private static final int SLOW_UPLOADS = 500;
    // Far more than the buffers between the upstream and a client that reads nothing: the proxy's writes stall.
    private static final long DOWNLOAD_LENGTH = 8L * 1024 * 1024;
        private static final List<String> UPLOAD_ROUTES = List.of("up1", "up2", "up3");
    // The contract says 1 s; the bound is generous for a loaded CI machine, and a blocking proxy never answers.
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(10);
    private static final Duration SETUP_BOUND = Duration.ofSeconds(30);
    // The stalled downloads and the request that must still answer share one upstream, as a task's parallel tooltool
    // downloads do; the slow uploads are spread over routes of their own because each echo upstream reads bodies on
    // one of its 200 threads.
    @RegisterExtension
    static final ProxyUnderTest proxy = ProxyUnderTest.builder().routes("tooltool", "up1", "up2", "up3").build();

    @Test
    void thousandSlowTransfersInBothDirectionsLeaveOtherRequestsAnswering() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            List<Socket> downloads = new ArrayList<>();
            for (int i = 0; i < SLOW_DOWNLOADS; i++) {
                Socket socket = slowReader();
                sockets.add(socket);
                downloads.add(socket);
                send(socket, "GET /tooltool/async-bytes/" + DOWNLOAD_LENGTH
                    + " HTTP/1.1\r\nHost: proxy\r\n\r\n");
            }
            List<Socket> uploads = new ArrayList<>();
            for (int i = 0; i < SLOW_UPLOADS; i++) {
                Socket socket = new Socket("127.0.0.1", proxy.port());
                sockets.add(socket);
                uploads.add(socket);
                send(socket, "PUT /" + UPLOAD_ROUTES.get(i % UPLOAD_ROUTES.size()) + "/slow-upload HTTP/1.1\r\nHost: proxy\r\n"
                    + "Content-Length: 1000\r\n\r\nx");
            }
            // Every download has its answer started (then its client stops reading); every upload has had its first
            // body byte read, and then gets one more every 2 s.
            for (int i = 0; i < downloads.size(); i++) {
                awaitResponseHead(downloads.get(i), i);
            }
            awaitUploadBytes(SLOW_UPLOADS);
            trickle.scheduleWithFixedDelay(() -> uploads.forEach(socket -> send(socket, "x")), 2, 2, TimeUnit.SECONDS);

            long worstRequest = 0;
            long worstHeartbeat = 0;
            for (int round = 0; round < 5; round++) {
                worstRequest = Math.max(worstRequest, timedGet("/tooltool/while-slow-clients-" + round));
                worstHeartbeat = Math.max(worstHeartbeat, timedGet("/__lbheartbeat__"));
            }
            ThreadInfo[] proxyThreads = proxyThreads();
            long held = Arrays.stream(proxyThreads).filter(SlowClientsTest::isHeld).count();
            BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
            System.out.printf("with %d slow downloads and %d slow uploads in flight: proxied request %d ms, "
                    + "/__lbheartbeat__ %d ms (worst of 5); proxy pool threads %d, of which busy %d; JVM threads %d "
                    + "(fakes included); heap used "
                    + "%d MiB; direct buffers %d MiB in %d (fakes included)%n",
                SLOW_DOWNLOADS, SLOW_UPLOADS, worstRequest, worstHeartbeat, proxyThreads.length, held, Thread.activeCount(),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20, direct.getMemoryUsed() >> 20,
                direct.getCount());
            // Blocking I/O would hold one thread per slow transfer, i.e. the whole pool of 200.
            assertTrue(held < 100, "slow clients hold " + held + " of the proxy's threads");
        } finally {
            trickle.shutdownNow();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void requestHeadersTrickledPastTheDeadlineGetTheConnectionClosed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
            long opened = System.nanoTime();
            send(socket, "GET /__lbheartbeat__ HTTP/1.1\r\nHost: proxy\r\n");
            String answer = trickleHeadersUntilClosed(socket);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
            System.out.println("trickled headers: closed after " + millis + " ms");
            assertTrue(millis >= EmbeddedProxy.HEADER_DEADLINE.toMillis() - 500, "not before the deadline: " + millis + " ms");
            assertEquals("", answer, "closed without an answer");
        }
    }

    @Test
    void keptAliveConnectionMustSendItsNextRequestHeadersWithinTheDeadline() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
            send(socket, "GET /__lbheartbeat__ HTTP/1.1\r\nHost: proxy\r\n\r\n");
            String first = readResponseHead(socket, Duration.ofSeconds(10));
            assertTrue(first.startsWith("HTTP/1.1 200"), first);
            long started = System.nanoTime();
            send(socket, "GET /__lbheartbeat__ HTTP/1.1\r\n");
            trickleHeadersUntilClosed(socket);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.println("trickled headers on a kept-alive connection: closed after " + millis + " ms");
            assertTrue(millis >= EmbeddedProxy.HEADER_DEADLINE.toMillis() - 500, "not before the deadline: " + millis + " ms");
        }
    }

    /**
     * Sends a header line every 500 ms (the idle timeout never fires) until the proxy closes the connection, and
     * returns whatever it answered (the rest of the first answer's body, if any, is not in it).
     */
    private static String trickleHeadersUntilClosed(Socket socket) throws IOException {
        long giveUp = System.nanoTime() + EmbeddedProxy.HEADER_DEADLINE.plusSeconds(30).toNanos();
        socket.setSoTimeout(500);
        StringBuilder answer = new StringBuilder();
        byte[] buffer = new byte[1024];
        for (int line = 0; System.nanoTime() < giveUp; line++) {
            try {
                socket.getOutputStream().write(("X-Slow-" + line + ": a\r\n").getBytes(StandardCharsets.ISO_8859_1));
                int n = socket.getInputStream().read(buffer);
                if (n < 0) {
                    return answer.toString();
                }
                answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            } catch (SocketTimeoutException e) {
                // Still open, nothing said: next line.
            } catch (SocketException e) {
                return answer.toString();
            }
        }
        return fail("the connection is still open " + EmbeddedProxy.HEADER_DEADLINE.plusSeconds(30)
            + " after its headers began");
    }

    /** A client with a tiny receive window that reads nothing past the response head. */
    private static Socket slowReader() throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", proxy.port()));
        return socket;
    }

    private static void send(Socket socket, String text) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException("a slow client could not send: " + e.getMessage(), e);
        }
    }

    private static void awaitResponseHead(Socket socket, int index) throws IOException {
        try {
            String head = readResponseHead(socket, SETUP_BOUND);
            assertTrue(head.startsWith("HTTP/1.1 200"), "slow download " + index + ": " + head);
        } catch (SocketTimeoutException e) {
            fail("slow download " + index + " got no answer within " + SETUP_BOUND + ": the proxy is stalled");
        }
    }

    /** Reads byte by byte up to the blank line, so that the body stays unread. */
    private static String readResponseHead(Socket socket, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        return RawHttp.readHead(socket.getInputStream());
    }

    private static void awaitUploadBytes(long expected) throws Exception {
        long deadline = System.nanoTime() + SETUP_BOUND.toNanos();
        long read = 0;
        while (System.nanoTime() < deadline) {
            read = uploadBytesRead();
            if (read >= expected) {
                return;
            }
            Thread.sleep(100);
        }
        fail("the proxy read " + read + " of the " + expected + " first upload bytes within " + SETUP_BOUND);
    }

    private static long uploadBytesRead() throws Exception {
        HttpResponse<String> metrics = proxy.client().send(HttpRequest.newBuilder(proxy.uri("/__metrics__"))
            .timeout(ANSWER_BOUND).build(), HttpResponse.BodyHandlers.ofString());
        return metrics.body().lines()
            .filter(line -> line.startsWith("relengapi_proxy_proxied_bytes_total{direction=\"from_client\""))
            .filter(line -> UPLOAD_ROUTES.stream().anyMatch(route -> line.contains("route=\"" + route + "\"")))
            .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
            .sum();
    }

    private static long timedGet(String path) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = proxy.client().send(HttpRequest.newBuilder(proxy.uri(path)).timeout(ANSWER_BOUND)
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** The threads of the proxy's server pool (named "proxy-…"), which also runs its upstream client. */
    private static ThreadInfo[] proxyThreads() {
        return Arrays.stream(ManagementFactory.getThreadMXBean().dumpAllThreads(false, false))
            .filter(info -> info.getThreadName().startsWith("proxy-")).toArray(ThreadInfo[]::new);
    }

    /**
     * Whether a pool thread is doing something: not idle in the pool (which grows under a burst of connections and
     * shrinks after a minute), not waiting as a reserved thread, not the acceptor or a selector.
     */
    private static boolean isHeld(ThreadInfo thread) {
        return Arrays.stream(thread.getStackTrace()).noneMatch(frame -> frame.getMethodName().equals("idleJobPoll")
            || frame.getClassName().endsWith("ReservedThreadExecutor$ReservedThread")
            || frame.getClassName().endsWith("ManagedSelector") || frame.getClassName().endsWith("AbstractConnector$Acceptor"));
    }
}
