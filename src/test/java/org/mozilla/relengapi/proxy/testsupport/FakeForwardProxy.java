package org.mozilla.relengapi.proxy.testsupport;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ConnectHandler;

/**
 * A forward proxy such as a locked-down network puts between workers and the internet: CONNECT tunnels (Jetty's
 * {@link ConnectHandler}) and absolute-form requests ({@link ProxyServlet}). It alone knows the made-up names
 * {@code <anything>.egress.test}: it sends them to 127.0.0.1 on the port asked for, so a client that ignored it
 * would fail for want of DNS. Other names are refused. Optionally it demands {@code Proxy-Authorization: Basic}.
 */
public final class FakeForwardProxy extends TestServer {
    public static final String DOMAIN = ".egress.test";

    private Server server;
    private ServerConnector connector;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile String expectedAuthorization;

    /** One request the proxy received: {@code CONNECT host:port} or {@code GET http://host:port/path}. */
    public record Seen(String requestLine, String proxyAuthorization) {
    }

    public FakeForwardProxy start() throws Exception {
        open();
        return this;
    }

    @Override
    protected void startServing() throws Exception {
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder forwarding = new ServletHolder(new Forwarding());
        forwarding.setAsyncSupported(true);
        context.addServlet(forwarding, "/*");
        server.setHandler(new Tunnels(context));
        server.start();
    }

    @Override
    protected void forgetRequests() {
        seen.clear();
    }

    /** From now on, refuse (407) any request without {@code Proxy-Authorization: Basic base64(user:password)}. */
    public FakeForwardProxy requireCredentials(String user, String password) {
        expectedAuthorization = "Basic " + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** {@code http://127.0.0.1:port}, for HTTP_PROXY and the like. */
    @Override
    public URI uri() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    /** {@code uri} (a loopback fake's) with its host replaced by {@code name}{@value #DOMAIN}. */
    public static URI nameOnlyTheProxyKnows(URI uri, String name) {
        return URI.create(uri.toString().replace("//127.0.0.1:", "//" + name + DOMAIN + ":"));
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    private boolean authorized(String given) {
        return expectedAuthorization == null || expectedAuthorization.equals(given);
    }

    private static boolean known(String host) {
        return host.toLowerCase(Locale.ROOT).endsWith(DOMAIN);
    }

    @Override
    protected void stopServing() throws Exception {
        server.stop();
    }

    private final class Tunnels extends ConnectHandler {
        Tunnels(ServletContextHandler context) {
            super(context);
        }

        @Override
        protected boolean handleAuthentication(Request request, Response response, String address) {
            String given = request.getHeaders().get(HttpHeader.PROXY_AUTHORIZATION);
            seen.add(new Seen("CONNECT " + address, given));
            if (!authorized(given)) {
                response.getHeaders().put(HttpHeader.PROXY_AUTHENTICATE, "Basic realm=\"egress\"");
                return false;
            }
            return true;
        }

        @Override
        public boolean validateDestination(String host, int port) {
            return known(host);
        }

        @Override
        protected InetSocketAddress newConnectAddress(String host, int port) {
            return new InetSocketAddress("127.0.0.1", port);
        }
    }

    private final class Forwarding extends ProxyServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
            String given = request.getHeader("Proxy-Authorization");
            seen.add(new Seen(request.getMethod() + " " + request.getRequestURL(), given));
            if (!authorized(given)) {
                response.setStatus(407);
                response.setHeader("Proxy-Authenticate", "Basic realm=\"egress\"");
                return;
            }
            super.service(request, response);
        }

        @Override
        protected String rewriteTarget(HttpServletRequest request) {
            if (!known(request.getServerName())) {
                return null;
            }
            String query = request.getQueryString();
            return "http://127.0.0.1:" + request.getServerPort() + request.getRequestURI() + (query == null ? "" : "?" + query);
        }
    }
}
