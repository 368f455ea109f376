package org.mozilla.relengapi.proxy.server;

import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.Graceful;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.mozilla.relengapi.proxy.cli.ProxyConfig;
import org.mozilla.relengapi.proxy.controlplane.CallFailure;
import org.mozilla.relengapi.proxy.proxy.StopCutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The proxy in its own embedded Jetty: what the runnable jar starts. */
public final class EmbeddedProxy implements AutoCloseable {
    /** How long a client has to send a request's headers (README, "Slow clients"). */
    public static final Duration HEADER_DEADLINE = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedProxy.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final int MAX_THREADS = 32;
    private static final int MIN_THREADS = 4;
    /**
     * Every path Jetty can parse goes on to RequestGuardFilter, which refuses the unsafe ones itself so that each
     * refusal has the same JSON shape, and forwards the others as sent (%25, %E9 included). USER_INFO is no path.
     */
    static final UriCompliance PATHS_AS_SENT =
        UriCompliance.from(EnumSet.complementOf(EnumSet.of(UriCompliance.Violation.USER_INFO)));

    private final Server server;
    private final ServerConnector connector;
    private final GracefulHandler inFlight;

    private EmbeddedProxy(Server server, ServerConnector connector, GracefulHandler inFlight) {
        this.server = server;
        this.connector = connector;
        this.inFlight = inFlight;
    }

    /**
     * Reads the task, starts the token source and listens; {@code companion} (already started, e.g. the {@code --dev}
     * stack), if not null, is stopped with the proxy.
     *
     * @throws StartupException if start-up fails; nothing is left running then
     */
    public static EmbeddedProxy start(ProxyConfig config, Clock clock, PrintStream accessLog, LifeCycle companion) {
        // Threads only run work (I/O is non-blocking, a request waiting for its token holds none): a pool sized for a
        // sidecar's two cores serves thousands of slow transfers (bench/README.md, runs C and D).
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
        threads.setName("proxy");
        Server server = new Server(threads);
        if (companion != null) {
            server.addBean(companion, true);
        }

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // Request headers go upstream as the client sent them; Jetty's parser would otherwise swap a known value for
        // its cached spelling when they differ only in case ("charset=UTF-8" for "charset=utf-8").
        http.setHeaderCacheCaseSensitive(true);
        http.setUriCompliance(PATHS_AS_SENT);
        ServerConnector connector = new ServerConnector(server, new HeaderDeadlineConnectionFactory(http, HEADER_DEADLINE));
        connector.setHost(config.bind());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        // A task that opens many connections at once should find them queued, not refused (Jetty's default is 50).
        connector.setAcceptQueueSize(1024);
        // Jetty 12.1 cuts every connection idle for 1 s once a stop begins: a download pausing for longer would be cut
        // at once instead of having the whole grace period to finish.
        connector.setShutdownIdleTimeout(-1);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        context.addEventListener(new ProxyContextListener(config, clock));
        // Tracks in-flight requests, so that close() can let them finish and count those it has to cut.
        GracefulHandler inFlight = new GracefulHandler(new AccessLogHandler(context, config.logFormat(), accessLog));
        server.setHandler(inFlight);
        server.setErrorHandler(new JsonErrorHandler());

        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            throw asStartupFailure(e, config);
        }
        if (!context.isAvailable() || context.isFailed()) {
            stopQuietly(server);
            throw new StartupException("start-up failed: the proxy's servlets did not start (see the log above)");
        }
        return new EmbeddedProxy(server, connector, inFlight);
    }

    private static StartupException asStartupFailure(Throwable failure, ProxyConfig config) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StartupException startup) {
                return startup;
            }
            if (t instanceof java.net.BindException) {
                return new StartupException("cannot listen on " + config.bind() + ":" + config.port() + ": "
                    + CallFailure.describe(t));
            }
        }
        return new StartupException("start-up failed: " + failure);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            // Start-up already failed; that failure is the one to report.
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** Where the proxy listens, e.g. {@code http://127.0.0.1:8080}. */
    public URI uri() {
        String host = connector.getHost() == null || connector.getHost().equals("0.0.0.0") ? "127.0.0.1" : connector.getHost();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
    }

    public void join() throws InterruptedException {
        server.join();
    }

    /**
     * Stops accepting, lets in-flight requests finish for up to 10 s, then stops, cutting the requests still running
     * (one log line says how many).
     *
     * <p>The grace is waited for here rather than through {@link Server#setStopTimeout}: Jetty's stop reports an
     * exceeded grace as a {@link TimeoutException} with no message and by then has closed the connections, so the
     * number of requests it cut can no longer be read.
     */
    @Override
    public void close() throws Exception {
        long cut = 0;
        // Stops accepting everywhere; only the requests in flight are waited for, not the idle connections.
        Graceful.shutdown(server);
        try {
            inFlight.shutdown().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            cut = inFlight.getCurrentRequestCount();
            // Each client of a cut request sees an error: left to Jetty's stop, one with no answer yet would get an HTML
            // 500, and a body without a length a clean close, which an HTTP/1.0 client takes for the whole file.
            connector.getConnectedEndPoints().forEach(StopCutException::cut);
        }
        server.stop();
        if (cut > 0) {
            LOG.warn("stopped: {} request(s) still running after the {} s grace were cut", cut, STOP_GRACE.toSeconds());
        } else {
            LOG.info("stopped: every in-flight request finished");
        }
    }
}
