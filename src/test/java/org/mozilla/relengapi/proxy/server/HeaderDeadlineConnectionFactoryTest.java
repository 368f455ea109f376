package org.mozilla.relengapi.proxy.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The header deadline cuts only connections whose request headers are late: a request whose headers are complete
 * may be handled for as long as it takes (a proxied request waits up to 10 s for a token), however its parsing
 * interleaves with the opening of its connection.
 */
class HeaderDeadlineConnectionFactoryTest {
    // Short, to keep the test quick, yet far longer than a loaded machine takes to parse a one-line request.
    private static final Duration DEADLINE = Duration.ofSeconds(2);
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String REQUEST = "GET /held HTTP/1.1\r\nHost: test\r\n\r\n";

    private final HeldRequests held = new HeldRequests();
    private final Server server = new Server();
    private ServerConnector connector;

    @AfterEach
    void stopServer() throws Exception {
        server.stop();
    }

    @Test
    void requestParsedBeforeItsConnectionHasFinishedOpeningIsNotCutAtTheDeadline() throws Exception {
        // A connection registers its interest in reading before it has finished opening; on a loaded machine another
        // thread can read, parse and start handling the request in between, as this connector forces.
        start(new ServerConnector(server, new HeaderDeadlineConnectionFactory(new HttpConfiguration(), DEADLINE)) {
            @Override
            protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
                SocketChannelEndPoint endPoint = new RequestHandledBeforeOpenEndPoint(channel, selector, key, this);
                endPoint.setIdleTimeout(getIdleTimeout());
                return endPoint;
            }
        });
        try (Socket socket = connect()) {
            send(socket);
            holdPastTheDeadlineThenAnswer();
            String response = readResponse(socket);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
        }
    }

    @Test
    void requestsOfAKeptAliveConnectionMayBeHandledPastTheDeadline() throws Exception {
        start(new ServerConnector(server, new HeaderDeadlineConnectionFactory(new HttpConfiguration(), DEADLINE)));
        try (Socket socket = connect()) {
            for (int request = 1; request <= 2; request++) {
                send(socket);
                holdPastTheDeadlineThenAnswer();
                String response = readResponse(socket);
                assertTrue(response.startsWith("HTTP/1.1 200"), "request " + request + ": " + response);
            }
        }
    }

    private void start(ServerConnector serverConnector) throws Exception {
        connector = serverConnector;
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(held);
        server.start();
    }

    /** Waits for the request, holds it well past the header deadline, then answers it. */
    private void holdPastTheDeadlineThenAnswer() throws InterruptedException {
        assertTrue(held.awaitArrival(), "no request arrived within " + PATIENCE);
        Thread.sleep(DEADLINE.multipliedBy(2).toMillis());
        held.answerAll();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", connector.getLocalPort());
        socket.setSoTimeout((int) PATIENCE.toMillis());
        return socket;
    }

    private static void send(Socket socket) throws IOException {
        socket.getOutputStream().write(REQUEST.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** The response head and its body ("ok"), or what came before the server ended the connection. */
    private static String readResponse(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        try {
            while (!response.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\nok")) {
                int b = in.read();
                if (b < 0) {
                    return "closed after [" + response.toString(StandardCharsets.ISO_8859_1) + "]";
                }
                response.write(b);
            }
        } catch (SocketException e) {
            return "reset after [" + response.toString(StandardCharsets.ISO_8859_1) + "]: " + e.getMessage();
        }
        return response.toString(StandardCharsets.ISO_8859_1);
    }

    /** An endpoint whose first read interest (its connection's, as it opens) returns once the request is handled. */
    private final class RequestHandledBeforeOpenEndPoint extends SocketChannelEndPoint {
        private final AtomicBoolean opening = new AtomicBoolean(true);

        RequestHandledBeforeOpenEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key,
                                         ServerConnector connector) {
            super(channel, selector, key, connector.getScheduler());
        }

        @Override
        public void fillInterested(Callback callback) {
            super.fillInterested(callback);
            if (opening.compareAndSet(true, false)) {
                held.awaitFirstArrival();
            }
        }
    }

    /** Holds every request, holding no thread, until told to answer them all. */
    private static final class HeldRequests extends Handler.Abstract {
        private final Semaphore arrived = new Semaphore(0);
        private final CountDownLatch firstArrived = new CountDownLatch(1);
        private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            waiting.add(() -> {
                response.setStatus(200);
                Content.Sink.write(response, true, "ok", callback);
            });
            arrived.release();
            firstArrived.countDown();
            return true;
        }

        boolean awaitArrival() throws InterruptedException {
            return arrived.tryAcquire(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** For a Jetty thread: waits (bounded) until a first request has arrived. */
        void awaitFirstArrival() {
            try {
                firstArrived.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void answerAll() {
            for (Runnable answer = waiting.poll(); answer != null; answer = waiting.poll()) {
                answer.run();
            }
        }
    }
}
