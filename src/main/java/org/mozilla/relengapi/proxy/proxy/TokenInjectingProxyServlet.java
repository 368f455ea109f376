package org.mozilla.relengapi.proxy.proxy;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.EarlyHintsProtocolHandler;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProcessingProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.mozilla.relengapi.proxy.cli.Route;
import org.mozilla.relengapi.proxy.controlplane.EgressProxies;
import org.mozilla.relengapi.proxy.controlplane.CallFailure;
import org.mozilla.relengapi.proxy.metrics.ProxyMetrics;
import org.mozilla.relengapi.proxy.tokens.TemporaryToken;
import org.mozilla.relengapi.proxy.tokens.TemporaryTokenSource;
import org.mozilla.relengapi.proxy.tokens.TemporaryTokenSource.TokenStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards one route's requests to its upstream with {@code Authorization: Bearer <temporary token>}. This is
 * where the token gets added ({@link #addProxyHeaders}); Jetty's {@link ProxyServlet} does the streaming.
 *
 * <p>A request that arrives while no usable token is held is suspended (not blocking a thread) until the next
 * token arrives or {@link #TOKEN_WAIT} passes, then answered 503.
 */
public final class TokenInjectingProxyServlet extends ProxyServlet.Transparent {
    public static final Duration TOKEN_WAIT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(TokenInjectingProxyServlet.class);
    private static final String TOKEN_ATTRIBUTE = TemporaryToken.class.getName();
    private static final String WAITED_ATTRIBUTE = TokenInjectingProxyServlet.class.getName() + ".waited";
    private static final String WRITER_ATTRIBUTE = ClientResponseWriter.class.getName();
    private static final String CLIENT_FAILED_ATTRIBUTE = TokenInjectingProxyServlet.class.getName() + ".clientFailed";

    private final Route route;
    private final TemporaryTokenSource tokens;
    private final SSLContext sslContext;
    private final SharedUpstreamClient upstreamClient;
    private final ProxyMetrics metrics;
    private final String routeName;
    private final ClientExchange clientExchange = ClientExchange.forContainer();
    private final HeaderForwarding headerForwarding = new HeaderForwarding(clientExchange);
    private final EgressProxies egress;

    /**
     * @param route the route this servlet serves; a catch-all has an empty prefix
     */
    public TokenInjectingProxyServlet(Route route, TemporaryTokenSource tokens, SSLContext sslContext,
                                      SharedUpstreamClient upstreamClient, ProxyMetrics metrics, EgressProxies egress) {
        this.route = route;
        this.tokens = tokens;
        this.sslContext = sslContext;
        this.upstreamClient = upstreamClient;
        this.metrics = metrics;
        this.routeName = route.prefix().isEmpty() ? "catch-all" : route.prefix();
        this.egress = egress;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        Optional<TemporaryToken> token = tokens.usableToken();
        if (token.isPresent()) {
            request.setAttribute(TOKEN_ATTRIBUTE, token.get());
            super.service(request, response);
            return;
        }
        TokenStatus status = tokens.status();
        if (status.deadlinePassed() || request.getDispatcherType() == DispatcherType.ASYNC && request.getAttribute(WAITED_ATTRIBUTE) != null) {
            tokenUnavailable(response, status);
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        tokens.nextUsableToken()
            .completeOnTimeout(null, TOKEN_WAIT.toMillis(), TimeUnit.MILLISECONDS)
            .whenComplete((next, failure) -> {
                request.setAttribute(WAITED_ATTRIBUTE, Boolean.TRUE);
                async.dispatch();
            });
    }

    private static void tokenUnavailable(HttpServletResponse response, TokenStatus status) throws IOException {
        String problem = status.problem().orElse("no temporary token");
        if (!status.deadlinePassed()) {
            long seconds = status.retryIn().map(d -> Math.max(1, (d.toMillis() + 999) / 1000)).orElse(5L);
            response.setHeader("Retry-After", Long.toString(seconds));
        }
        JsonResponses.error(response, 503, status.deadlinePassed() ? "task_deadline_passed" : "token_unavailable",
            status.deadlinePassed() ? "task deadline passed" : "no temporary token available: " + problem);
    }

    @Override
    protected String rewriteTarget(HttpServletRequest request) {
        RequestTarget target = (RequestTarget) request.getAttribute(RequestGuardFilter.TARGET_ATTRIBUTE);
        if (target == null) {
            return null;
        }
        String rest = target.rest(route.prefix().isEmpty() ? 0 : 1);
        String base = route.upstream().toString();
        if (rest.isEmpty() && route.upstream().getRawPath().isEmpty()) {
            rest = "/";
        }
        return base + rest + (target.query() == null ? "" : "?" + target.query());
    }

    /** A client whose request body breaks off has sent a bad request; the proxy did not fail. */
    @Override
    protected int clientRequestStatus(Throwable failure) {
        return failure instanceof TimeoutException ? 408 : 400;
    }

    /**
     * The client's body, read without holding a thread while the client is slow ({@link ClientBodyReader}). A
     * failure of that body (it ends before its declared length, breaks a chunk, or times out) is remembered, so
     * that the aborted upstream exchange that follows is answered 400 or 408 and not blamed on the upstream.
     */
    @Override
    protected Request.Content proxyRequestContent(HttpServletRequest request, HttpServletResponse response,
                                                  Request proxyRequest) throws IOException {
        ClientBodyReader.UpstreamBody body = new ClientBodyReader.UpstreamBody(request.getContentLengthLong());
        new ClientBodyReader(request.getInputStream(), body, getHttpClient().getRequestBufferSize(),
            read -> metrics.bytesFromClient(routeName, read),
            failure -> {
                request.setAttribute(CLIENT_FAILED_ATTRIBUTE, failure);
                onClientRequestFailure(request, proxyRequest, response, failure);
            }).start();
        return body;
    }

    @Override
    protected void onProxyRewriteFailed(HttpServletRequest request, HttpServletResponse response) {
        try {
            JsonResponses.error(response, 400, "bad_path", "refused: the path could not be checked");
        } catch (IOException e) {
            LOG.debug("client went away before the 400", e);
        }
    }

    @Override
    protected void copyRequestHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        headerForwarding.copyRequestHeaders(clientRequest, proxyRequest);
    }

    @Override
    protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        super.addProxyHeaders(clientRequest, proxyRequest);
        TemporaryToken token = (TemporaryToken) clientRequest.getAttribute(TOKEN_ATTRIBUTE);
        // put, not add: whatever Authorization the client sent is replaced, never forwarded.
        proxyRequest.headers(headers -> headers.put(HttpHeader.AUTHORIZATION, "Bearer " + token.value().reveal()));
    }

    /**
     * Sends without Jetty's DEBUG dump of the outgoing headers, which would write the token to the log of anyone
     * who turns on debugging to troubleshoot.
     */
    @Override
    protected void sendProxyRequest(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Request proxyRequest) {
        long sent = System.nanoTime();
        proxyRequest.onResponseBegin(response -> metrics.upstreamFirstByte(routeName, System.nanoTime() - sent));
        proxyRequest.send(newProxyResponseListener(clientRequest, proxyResponse));
    }

    @Override
    protected void onServerResponseHeaders(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                           Response serverResponse) {
        if (serverResponse.getStatus() == 401) {
            tokens.reportRejected((TemporaryToken) clientRequest.getAttribute(TOKEN_ATTRIBUTE));
        }
        headerForwarding.copyResponseHeaders(clientRequest, proxyResponse, serverResponse);
    }

    @Override
    protected void onProxyResponseFailure(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                          Response serverResponse, Throwable failure) {
        if (!getHttpClient().isRunning() || StopCutException.isCause(failure)) {
            // The proxy is stopping and cut this exchange (its client connection, or the upstream client) once the
            // grace period was over: no upstream failed, and the stop's own log line counts the requests it cut.
            super.onProxyResponseFailure(clientRequest, proxyResponse, serverResponse, failure);
            return;
        }
        if (proxyResponse.isCommitted()) {
            // The client already has the upstream's status and part of the body: all that is left is to cut it.
            if (clientRequest.getAttribute(CLIENT_FAILED_ATTRIBUTE) != null) {
                // A client that goes away (or whose upload breaks off) is routine; its access-log line says enough.
                LOG.debug("{} {}: the client failed mid-exchange: {}", clientRequest.getMethod(),
                    clientRequest.getRequestURI(), CallFailure.describe(failure));
            } else {
                metrics.upstreamError(routeName, "mid_response");
                LOG.warn("{} {}: upstream failed mid-response: {}", clientRequest.getMethod(),
                    clientRequest.getRequestURI(), CallFailure.describe(failure));
            }
            if ("HTTP/1.0".equals(clientRequest.getProtocol())) {
                // An HTTP/1.0 body ends where the connection does: a clean close would pass for the whole body.
                clientExchange.resetOnClose(clientRequest);
            }
            super.onProxyResponseFailure(clientRequest, proxyResponse, serverResponse, failure);
            return;
        }
        boolean clientFailed = clientRequest.getAttribute(CLIENT_FAILED_ATTRIBUTE) != null;
        int status = clientFailed ? clientRequestStatus(failure) : proxyResponseStatus(failure);
        String reason = CallFailure.describe(failure);
        try {
            proxyResponse.reset();
            proxyResponse.setHeader("Connection", "close");
            if (clientFailed) {
                JsonResponses.error(proxyResponse, status, "bad_request_body", "the request body ended early: " + reason);
                return;
            }
            LOG.warn("{} {} -> {}: upstream {} {}", clientRequest.getMethod(), clientRequest.getRequestURI(), status,
                route.upstream(), reason);
            metrics.upstreamError(routeName, status == 504 ? "timeout" : "unreachable");
            JsonResponses.error(proxyResponse, status, status == 504 ? "upstream_timeout" : "upstream_unreachable",
                (status == 504 ? "no response from the upstream within the idle timeout" : "upstream unreachable: " + reason),
                Map.of("upstream", route.upstream().toString()));
        } catch (IOException | IllegalStateException e) {
            LOG.debug("client went away before the error", e);
        } finally {
            if (clientRequest.isAsyncStarted()) {
                clientRequest.getAsyncContext().complete();
            }
        }
    }

    /**
     * Writes each chunk the upstream sends to the client without holding a thread while the client is slow
     * ({@link ClientResponseWriter}), counting its bytes.
     */
    @Override
    protected void onResponseContent(HttpServletRequest request, HttpServletResponse response, Response proxyResponse,
                                     byte[] buffer, int offset, int length, Callback callback) {
        metrics.bytesToClient(routeName, length);
        ClientResponseWriter writer = (ClientResponseWriter) request.getAttribute(WRITER_ATTRIBUTE);
        try {
            if (writer == null) {
                writer = new ClientResponseWriter(response.getOutputStream(), failure -> {
                    request.setAttribute(CLIENT_FAILED_ATTRIBUTE, failure);
                    proxyResponse.abort(failure);
                });
                request.setAttribute(WRITER_ATTRIBUTE, writer);
            }
        } catch (IOException | RuntimeException e) {
            callback.failed(e);
            return;
        }
        writer.write(buffer, offset, length, callback);
    }

    @Override
    protected HttpClient createHttpClient() throws ServletException {
        HttpClient client = upstreamClient.getOrCreate(() -> {
            HttpClient created = super.createHttpClient();
            // Jetty's proxy client handles only 100 Continue among the 1xx answers; without these, a 102 or 103
            // before the final answer is taken for the answer itself and the client waits until the upstream closes.
            // Both are dropped: the final answer follows on its own.
            created.getProtocolHandlers().put(new ProcessingProtocolHandler());
            created.getProtocolHandlers().put(new EarlyHintsProtocolHandler());
            EgressHttpProxy.configure(created, egress);
            return created;
        });
        // Jetty reads the "timeout" init-param while creating the client, which only the first route does.
        setTimeout(Long.parseLong(getServletConfig().getInitParameter("timeout")));
        return client;
    }

    /** Leaves the shared client running for the other routes; {@link SharedUpstreamClient#stop} stops it. */
    @Override
    public void destroy() {
    }

    /** HTTP/1.1, as Jetty's default transport speaks too, but with response headers kept as the upstream spelt them. */
    @Override
    protected HttpClient newHttpClient(ClientConnector connector) {
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
        // Jetty's parser otherwise hands out its cached copy of a header it knows when the value matches but for
        // case: "Content-Type: text/plain; charset=UTF-8" would reach the client as "charset=utf-8".
        transport.setHeaderCacheCaseSensitive(true);
        HttpClient client = new HttpClient(transport);
        // Upstream bytes are read into heap buffers, which ProxyServlet hands to onResponseContent as they are. From
        // a direct buffer it copies each chunk into a new byte[] and keeps both until the client has the bytes: a
        // stalled download held 64 KiB of heap and 64 KiB of direct memory, and every byte proxied was garbage.
        client.setUseInputDirectByteBuffers(false);
        // A body the client sent without a Content-Type goes up without one: neither the body (ClientBodyReader) nor
        // the client adds application/octet-stream.
        client.setDefaultRequestContentType(null);
        return client;
    }

    @Override
    protected ClientConnector newClientConnector() {
        ClientConnector connector = super.newClientConnector();
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setSslContext(sslContext);
        connector.setSslContextFactory(tls);
        // Jetty's client otherwise keeps only maxThreads/2 buffers of a size: with more upstream connections busy than
        // that, every answer beyond read into a fresh 64 KiB buffer, dropped after use, and that garbage, promoted in
        // bulk, grew a 64-connection load's heap to its ceiling. The pool's own memory cap (an eighth of the heap)
        // still bounds what it keeps. Its largest buffer is the client's read buffer (ProxyContextListener sets that
        // init-param for every route).
        int readBuffer = Integer.parseInt(getServletConfig().getInitParameter("responseBufferSize"));
        connector.setByteBufferPool(new ArrayByteBufferPool(0, 2048, readBuffer, Integer.MAX_VALUE));
        return connector;
    }
}
