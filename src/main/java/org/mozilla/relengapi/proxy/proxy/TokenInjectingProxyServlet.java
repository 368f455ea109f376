package org.mozilla.relengapi.proxy.proxy;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ReadListener;
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
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.BasicAuthentication;
import org.eclipse.jetty.client.EarlyHintsProtocolHandler;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpProxy;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.ProcessingProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.ee10.proxy.AsyncProxyServlet;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.mozilla.relengapi.proxy.cli.ProxyConfig.Route;
import org.mozilla.relengapi.proxy.controlplane.CallFailure;
import org.mozilla.relengapi.proxy.controlplane.EgressProxies;
import org.mozilla.relengapi.proxy.controlplane.Secret;
import org.mozilla.relengapi.proxy.metrics.ProxyMetrics;
import org.mozilla.relengapi.proxy.tokens.TemporaryToken;
import org.mozilla.relengapi.proxy.tokens.TemporaryTokenSource;
import org.mozilla.relengapi.proxy.tokens.TemporaryTokenSource.TokenStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards each request to its route's upstream with {@code Authorization: Bearer <temporary token>}: the token is
 * added in {@link #addProxyHeaders}; Jetty's {@link AsyncProxyServlet} does the rest (streaming with non-blocking
 * servlet I/O, so a slow client holds no thread), customised through its hooks. One servlet serves every route, so
 * its one HTTP client (Jetty's model) shares keep-alive connections across routes.
 *
 * <p>A request that arrives while no usable token is held is suspended (holding no thread) until the next token
 * arrives or {@link #TOKEN_WAIT} passes, then answered 503.
 */
public final class TokenInjectingProxyServlet extends AsyncProxyServlet {
    public static final Duration TOKEN_WAIT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(TokenInjectingProxyServlet.class);
    private static final String ATTRIBUTE = TokenInjectingProxyServlet.class.getName();
    private static final String TOKEN = ATTRIBUTE + ".token";
    private static final String ROUTE = ATTRIBUTE + ".route";
    private static final String WAITED = ATTRIBUTE + ".waited";
    private static final String CLIENT_FAILED = ATTRIBUTE + ".clientFailed";
    private static final String FAILURE = ATTRIBUTE + ".failure";

    private final RouteTable routes;
    private final TemporaryTokenSource tokens;
    private final SSLContext sslContext;
    private final EgressProxies egress;
    private final ProxyMetrics metrics;
    private final ClientExchange exchange = ClientExchange.forContainer();
    private final HeaderForwarding headerForwarding = new HeaderForwarding(exchange);

    public TokenInjectingProxyServlet(RouteTable routes, TemporaryTokenSource tokens, SSLContext sslContext,
                                      EgressProxies egress, ProxyMetrics metrics) {
        this.routes = routes;
        this.tokens = tokens;
        this.sslContext = sslContext;
        this.egress = egress;
        this.metrics = metrics;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        Optional<Route> route = routes.route(RequestGuardFilter.target(request).rest(0));
        if (route.isEmpty()) {
            JsonResponses.error(response, 404, "unknown_route",
                "no route for this path; known prefixes: /" + String.join(", /", routes.prefixes()),
                Map.of("routes", routes.prefixes()));
            return;
        }
        request.setAttribute(ROUTE, route.get());
        Optional<TemporaryToken> token = tokens.usableToken();
        if (token.isPresent()) {
            request.setAttribute(TOKEN, token.get());
            super.service(request, response);
            return;
        }
        TokenStatus status = tokens.status();
        if (status.deadlinePassed() || request.getDispatcherType() == DispatcherType.ASYNC && request.getAttribute(WAITED) != null) {
            tokenUnavailable(response, status);
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        tokens.nextUsableToken()
            .completeOnTimeout(null, TOKEN_WAIT.toMillis(), TimeUnit.MILLISECONDS)
            .whenComplete((next, failure) -> {
                request.setAttribute(WAITED, Boolean.TRUE);
                async.dispatch();
            });
    }

    private static void tokenUnavailable(HttpServletResponse response, TokenStatus status) throws IOException {
        if (status.deadlinePassed()) {
            JsonResponses.error(response, 503, "task_deadline_passed", "task deadline passed");
            return;
        }
        long seconds = status.retryIn().map(d -> Math.max(1, (d.toMillis() + 999) / 1000)).orElse(5L);
        response.setHeader("Retry-After", Long.toString(seconds));
        JsonResponses.error(response, 503, "token_unavailable",
            "no temporary token available: " + status.problem().orElse("no temporary token"));
    }

    @Override
    protected String rewriteTarget(HttpServletRequest request) {
        return routes.upstreamUrl(route(request), RequestGuardFilter.target(request));
    }

    /** A client whose request body breaks off has sent a bad request; the proxy did not fail. */
    @Override
    protected int clientRequestStatus(Throwable failure) {
        return failure instanceof TimeoutException ? 408 : 400;
    }

    /**
     * The client's body as the upstream request's, with the client's declared length and no Content-Type of its own
     * (the client's line, if any, is copied with the other headers).
     */
    @Override
    protected Request.Content proxyRequestContent(HttpServletRequest request, HttpServletResponse response,
                                                  Request proxyRequest) throws IOException {
        long length = request.getContentLengthLong();
        AsyncRequestContent body = new AsyncRequestContent() {
            @Override
            public long getLength() {
                return length;
            }

            @Override
            public String getContentType() {
                return null;
            }
        };
        request.getInputStream().setReadListener(newReadListener(request, response, proxyRequest, body));
        return body;
    }

    /**
     * Counts the client's body, and remembers a failure of it (it ends early, breaks a chunk, times out) so that the
     * aborted upstream exchange that follows is answered 400 or 408 and not blamed on the upstream. A failure of the
     * upstream to take the bytes is reported where it happened, not here.
     */
    @Override
    protected ReadListener newReadListener(HttpServletRequest request, HttpServletResponse response, Request proxyRequest,
                                           AsyncRequestContent content) {
        String label = label(request);
        return new StreamReader(request, response, proxyRequest, content) {
            private volatile boolean upstreamFailed;

            @Override
            protected void onRequestContent(HttpServletRequest request, Request proxyRequest, AsyncRequestContent content,
                                            byte[] buffer, int offset, int length, Callback callback) {
                metrics.bytesFromClient(label, length);
                super.onRequestContent(request, proxyRequest, content, buffer, offset, length,
                    Callback.from(callback::succeeded, failure -> {
                        upstreamFailed = true;
                        callback.failed(failure);
                    }));
            }

            @Override
            public void onError(Throwable failure) {
                // The container and a failing read can both report the same failure: it is answered once.
                if (!upstreamFailed && request.getAttribute(CLIENT_FAILED) == null) {
                    request.setAttribute(CLIENT_FAILED, failure);
                    super.onError(failure);
                }
            }
        };
    }

    @Override
    protected void copyRequestHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        headerForwarding.copyRequestHeaders(clientRequest, proxyRequest);
    }

    @Override
    protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        super.addProxyHeaders(clientRequest, proxyRequest);
        TemporaryToken token = (TemporaryToken) clientRequest.getAttribute(TOKEN);
        // put, not add: whatever Authorization the client sent is replaced, never forwarded.
        proxyRequest.headers(headers -> headers.put(HttpHeader.AUTHORIZATION, "Bearer " + token.value().reveal()));
    }

    /** Sends without Jetty's DEBUG dump of the outgoing headers, which would write the token to the log. */
    @Override
    protected void sendProxyRequest(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Request proxyRequest) {
        long sent = System.nanoTime();
        String label = label(clientRequest);
        proxyRequest.onResponseBegin(response -> metrics.upstreamFirstByte(label, System.nanoTime() - sent));
        proxyRequest.send(newProxyResponseListener(clientRequest, proxyResponse));
    }

    @Override
    protected void onServerResponseHeaders(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                           Response serverResponse) {
        if (serverResponse.getStatus() == 401) {
            tokens.reportRejected((TemporaryToken) clientRequest.getAttribute(TOKEN));
        }
        headerForwarding.copyResponseHeaders(clientRequest, proxyResponse, serverResponse);
    }

    @Override
    protected void onResponseContent(HttpServletRequest request, HttpServletResponse response, Response proxyResponse,
                                     byte[] buffer, int offset, int length, Callback callback) {
        metrics.bytesToClient(label(request), length);
        super.onResponseContent(request, response, proxyResponse, buffer, offset, length, callback);
    }

    /** Remembers that a write to the client failed: the failure that follows is the client's, not the upstream's. */
    @Override
    protected StreamWriter newWriteListener(HttpServletRequest request, Response proxyResponse) {
        return new StreamWriter(request, proxyResponse) {
            @Override
            public void onWritePossible() throws IOException {
                try {
                    super.onWritePossible();
                } catch (IOException | RuntimeException e) {
                    request.setAttribute(CLIENT_FAILED, e);
                    throw e;
                }
            }

            @Override
            public void onError(Throwable failure) {
                request.setAttribute(CLIENT_FAILED, failure);
                super.onError(failure);
            }
        };
    }

    @Override
    protected void onProxyResponseFailure(HttpServletRequest request, HttpServletResponse response,
                                          Response serverResponse, Throwable failure) {
        boolean clientFailed = request.getAttribute(CLIENT_FAILED) != null;
        request.setAttribute(FAILURE, failure);
        if (response.isCommitted() && !isStopCut(failure)) {
            // The client already has the upstream's status and part of the body: all that is left is to cut it.
            if (clientFailed) {
                // A client that goes away (or whose upload breaks off) is routine; its access-log line says enough.
                LOG.debug("{} {}: the client failed mid-exchange: {}", request.getMethod(), request.getRequestURI(),
                    CallFailure.describe(failure));
            } else {
                metrics.upstreamError(label(request), "mid_response");
                LOG.warn("{} {}: upstream failed mid-response: {}", request.getMethod(), request.getRequestURI(),
                    CallFailure.describe(failure));
            }
            if ("HTTP/1.0".equals(request.getProtocol())) {
                // An HTTP/1.0 body ends where the connection does: a clean close would pass for the whole body.
                exchange.resetOnClose(request);
            }
        }
        sendProxyResponseError(request, response, clientFailed ? clientRequestStatus(failure) : proxyResponseStatus(failure));
    }

    /**
     * The proxy's JSON error (a 4xx is the client's failure, a 5xx the upstream's), unless the answer is committed (then
     * Jetty cuts it) or the proxy's stop cut it.
     */
    @Override
    protected void sendProxyResponseError(HttpServletRequest request, HttpServletResponse response, int status) {
        Throwable failure = (Throwable) request.getAttribute(FAILURE);
        if (failure == null || response.isCommitted() || isStopCut(failure)) {
            super.sendProxyResponseError(request, response, status);
            return;
        }
        String reason = CallFailure.describe(failure);
        Route route = route(request);
        try {
            response.reset();
            response.setHeader("Connection", "close");
            if (status < 500) {
                JsonResponses.error(response, status, "bad_request_body", "the request body ended early: " + reason);
                return;
            }
            LOG.warn("{} {} -> {}: upstream {} {}", request.getMethod(), request.getRequestURI(), status,
                route.upstream(), reason);
            boolean timeout = status == 504;
            metrics.upstreamError(label(request), timeout ? "timeout" : "unreachable");
            JsonResponses.error(response, status, timeout ? "upstream_timeout" : "upstream_unreachable",
                timeout ? "no response from the upstream within the idle timeout" : "upstream unreachable: " + reason,
                Map.of("upstream", route.upstream().toString()));
        } catch (IOException | IllegalStateException e) {
            LOG.debug("client went away before the error", e);
        } finally {
            if (request.isAsyncStarted()) {
                request.getAsyncContext().complete();
            }
        }
    }

    /** Whether the proxy's own stop cut this exchange once its grace was over: then no upstream failed. */
    private boolean isStopCut(Throwable failure) {
        return !getHttpClient().isRunning() || StopCutException.isCause(failure);
    }

    private static Route route(HttpServletRequest request) {
        return (Route) request.getAttribute(ROUTE);
    }

    private String label(HttpServletRequest request) {
        return routes.label(route(request));
    }

    @Override
    protected HttpClient createHttpClient() throws ServletException {
        HttpClient client = super.createHttpClient();
        // Jetty's proxy client handles only 100 Continue among the 1xx answers; without these, a 102 or 103 before the
        // final answer is taken for the answer itself. Both are dropped: the final answer follows on its own.
        client.getProtocolHandlers().put(new ProcessingProtocolHandler());
        client.getProtocolHandlers().put(new EarlyHintsProtocolHandler());
        for (EgressProxies.ForwardProxy proxy : egress.proxies()) {
            HttpProxy forward = new HttpProxy(new Origin.Address(proxy.host(), proxy.port()), false) {
                // Takes the upstream calls the rules send its way: CONNECT for https, absolute-form for http.
                @Override
                public boolean matches(Origin origin) {
                    Origin.Address target = origin.getAddress();
                    return egress.proxyFor(origin.getScheme(), target.getHost(), target.getPort())
                        .filter(proxy::equals).isPresent();
                }
            };
            client.getProxyConfiguration().addProxy(forward);
            // Preemptive: Jetty sends a result stored for the proxy's URI with the requests and CONNECTs through it.
            proxy.user().ifPresent(user -> client.getAuthenticationStore().addAuthenticationResult(
                new BasicAuthentication.BasicResult(forward.getURI(), HttpHeader.PROXY_AUTHORIZATION, user,
                    proxy.password().map(Secret::reveal).orElse(""))));
        }
        return client;
    }

    @Override
    protected HttpClient newHttpClient(ClientConnector connector) {
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
        // Keeps response headers as the upstream spelt them: Jetty's parser would otherwise hand out its cached copy of
        // a header it knows ("charset=utf-8" for "charset=UTF-8").
        transport.setHeaderCacheCaseSensitive(true);
        HttpClient client = new HttpClient(transport);
        // Heap buffers reach onResponseContent as they are; from a direct buffer ProxyServlet copies each chunk into a
        // new byte[] and keeps both until the client has the bytes.
        client.setUseInputDirectByteBuffers(false);
        // A body sent without a Content-Type goes up without one, not as application/octet-stream.
        client.setDefaultRequestContentType(null);
        return client;
    }

    @Override
    protected ClientConnector newClientConnector() {
        ClientConnector connector = super.newClientConnector();
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setSslContext(sslContext);
        connector.setSslContextFactory(tls);
        // Jetty's pool keeps only maxThreads/2 buffers of a size: beyond that many busy upstream connections, every
        // answer was read into a fresh buffer, dropped after use (bench/README.md). Its memory cap still bounds it.
        int readBuffer = Integer.parseInt(getServletConfig().getInitParameter("responseBufferSize"));
        connector.setByteBufferPool(new ArrayByteBufferPool(0, 2048, readBuffer, Integer.MAX_VALUE));
        return connector;
    }
}
