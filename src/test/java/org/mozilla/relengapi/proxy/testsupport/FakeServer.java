package org.mozilla.relengapi.proxy.testsupport;

import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** A real HTTP server on 127.0.0.1 and a free port, serving one servlet at every path. */
public class FakeServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;

    private final boolean https;

    protected FakeServer(HttpServlet servlet) {
        this(servlet, null);
    }

    /** With {@code tls}, the server speaks HTTPS only. */
    protected FakeServer(HttpServlet servlet, TestCertificates tls) {
        server = new Server();
        https = tls != null;
        HttpConfiguration http = new HttpConfiguration();
        // A fake records whatever arrives, so that a test sees exactly what the proxy forwarded: every target Jetty can
        // parse (%25, %E9, %2F... which Jetty refuses by default) and heads of up to 64 KiB (long targets, long tokens).
        http.setUriCompliance(UriCompliance.from(EnumSet.allOf(UriCompliance.Violation.class)));
        http.setRequestHeaderSize(64 * 1024);
        if (https) {
            http.addCustomizer(new SecureRequestCustomizer(false));
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(tls.serverKeyStore().toString());
            ssl.setKeyStorePassword(TestCertificates.PASSWORD);
            connector = new ServerConnector(server, ssl, new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/");
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start fake server", e);
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    public URI uri() {
        return uri("");
    }

    public URI uri(String path) {
        return URI.create((https ? "https" : "http") + "://127.0.0.1:" + port() + path);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
