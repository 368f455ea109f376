package org.mozilla.relengapi.proxy.testsupport;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A scripted HTTP server on 127.0.0.1 and a free port, in the manner of OkHttp's MockWebServer: its {@link Script}
 * (see {@link Scripts} for the echo, the queue and the token service) turns each request into an {@link Answer},
 * which can also be a failure mode; a test can make it answer otherwise for a while. It records every request.
 */
public final class HttpFake extends TestServer {
    private final Script script;
    private final TestCertificates tls;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger aborted = new AtomicInteger();
    private final AtomicInteger overrides = new AtomicInteger();
    private volatile Answer override;
    private volatile Duration delay = Duration.ZERO;
    private Server server;
    private ServerConnector connector;

    /** Turns a request into its answer. */
    @FunctionalInterface
    public interface Script {
        Answer answer(RecordedRequest request);
    }

    public HttpFake(Script script) {
        this(script, null);
    }

    /** With {@code tls}, the server speaks HTTPS only, with a certificate for 127.0.0.1 signed by the test CA. */
    public HttpFake(Script script, TestCertificates tls) {
        this.script = script;
        this.tls = tls;
    }

    public HttpFake start() throws Exception {
        open();
        return this;
    }

    /** From now on answer every request with {@code answer}, whatever the script says, until {@link #backToScript}. */
    public HttpFake answerEveryRequestWith(Answer answer) {
        override = answer;
        overrides.set(Integer.MAX_VALUE);
        return this;
    }

    /** Answer the next {@code count} requests with {@code answer}, then follow the script again. */
    public HttpFake answerNextWith(int count, Answer answer) {
        override = answer;
        overrides.set(count);
        return this;
    }

    public HttpFake backToScript() {
        overrides.set(0);
        return this;
    }

    /** Delay each answer, to let concurrent requests pile up. */
    public HttpFake delayAnswers(Duration answerDelay) {
        delay = answerDelay;
        return this;
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public URI uri() {
        return uri("");
    }

    public URI uri(String path) {
        return URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + port() + path);
    }

    /** Every request received so far, oldest first. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public RecordedRequest lastRequest() {
        List<RecordedRequest> all = requests();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** How many pattern bodies ended early because the client (the proxy) went away. */
    public int abortedStreams() {
        return aborted.get();
    }

    @Override
    protected void forgetRequests() {
        requests.clear();
    }

    @Override
    protected void startServing() throws Exception {
        server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        // A fake records whatever arrives, so that a test sees exactly what the proxy forwarded: every target Jetty can
        // parse (%25, %E9, %2F... which Jetty refuses by default) and heads of up to 64 KiB (long targets, long tokens).
        http.setUriCompliance(UriCompliance.from(EnumSet.allOf(UriCompliance.Violation.class)));
        http.setRequestHeaderSize(64 * 1024);
        if (tls == null) {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        } else {
            http.addCustomizer(new SecureRequestCustomizer(false));
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(tls.serverKeyStore().toString());
            ssl.setKeyStorePassword(TestCertificates.PASSWORD);
            connector = new ServerConnector(server, ssl, new HttpConnectionFactory(http));
        }
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder holder = new ServletHolder(new Answering());
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/");
        server.setHandler(context);
        server.start();
    }

    @Override
    protected void stopServing() throws Exception {
        server.stop();
    }

    private final class Answering extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            // Decided on arrival: a test that sees this request recorded and then changes the answers must not race it.
            Answer overriding = overrides.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? override : null;
            RecordedRequest recorded = RecordedRequest.read(request);
            requests.add(recorded);
            pause(delay);
            Answer answer = overriding != null ? overriding : script.answer(recorded);
            response.setStatus(answer.status());
            for (Map.Entry<String, String> header : answer.headers()) {
                response.addHeader(header.getKey(), header.getValue());
            }
            if (answer.body() instanceof Answer.Text text && text.text() != null) {
                response.getOutputStream().write(text.text().getBytes(StandardCharsets.UTF_8));
            } else if (answer.body() instanceof Answer.Pattern pattern) {
                if (pattern.blocking()) {
                    stream(response, pattern);
                } else {
                    streamWithoutBlocking(request, response, pattern.length());
                }
            } else if (answer.body() instanceof Answer.StallMidBody) {
                stall(response);
            }
        }

        private void stream(HttpServletResponse response, Answer.Pattern pattern) throws IOException {
            response.setContentLengthLong(pattern.length());
            byte[] buffer = new byte[64 * 1024];
            ServletOutputStream out = response.getOutputStream();
            try {
                for (long done = 0; done < pattern.length(); ) {
                    int n = (int) Math.min(buffer.length, pattern.length() - done);
                    Digests.fillPattern(buffer, done, n);
                    out.write(buffer, 0, n);
                    done += n;
                    if (!pattern.pause().isZero()) {
                        out.flush();
                        pause(pattern.pause());
                    }
                }
            } catch (IOException e) {
                aborted.incrementAndGet();
                throw e;
            }
        }

        private void streamWithoutBlocking(HttpServletRequest request, HttpServletResponse response, long length)
            throws IOException {
            response.setContentLengthLong(length);
            AsyncContext async = request.startAsync();
            async.setTimeout(0);
            ServletOutputStream out = response.getOutputStream();
            out.setWriteListener(new WriteListener() {
                private final byte[] buffer = new byte[64 * 1024];
                private long done;

                @Override
                public void onWritePossible() throws IOException {
                    while (out.isReady()) {
                        if (done == length) {
                            async.complete();
                            return;
                        }
                        int n = (int) Math.min(buffer.length, length - done);
                        Digests.fillPattern(buffer, done, n);
                        out.write(buffer, 0, n);
                        done += n;
                    }
                }

                @Override
                public void onError(Throwable failure) {
                    aborted.incrementAndGet();
                    async.complete();
                }
            });
        }

        private static void stall(HttpServletResponse response) throws IOException {
            response.setContentLength(1000);
            response.getOutputStream().write('{');
            response.flushBuffer();
            try {
                pause(Duration.ofSeconds(30));
            } catch (InterruptedIOException e) {
                // The server is stopping: the stall ends with it.
            }
        }

        private static void pause(Duration duration) throws InterruptedIOException {
            if (duration.isZero() || duration.isNegative()) {
                return;
            }
            try {
                Thread.sleep(duration.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException();
            }
        }
    }
}
