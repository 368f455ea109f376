package org.mozilla.relengapi.proxy.server;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.mozilla.relengapi.proxy.cli.ProxyConfig;
import org.mozilla.relengapi.proxy.controlplane.Backoff;
import org.mozilla.relengapi.proxy.controlplane.CallFailure;
import org.mozilla.relengapi.proxy.controlplane.ControlPlane;
import org.mozilla.relengapi.proxy.logging.LogFormat;
import org.mozilla.relengapi.proxy.metrics.MetricsServlet;
import org.mozilla.relengapi.proxy.metrics.ProxyMetrics;
import org.mozilla.relengapi.proxy.metrics.RequestMetricsFilter;
import org.mozilla.relengapi.proxy.proxy.RequestGuardFilter;
import org.mozilla.relengapi.proxy.cli.Route;
import org.mozilla.relengapi.proxy.proxy.SharedUpstreamClient;
import org.mozilla.relengapi.proxy.proxy.TokenInjectingProxyServlet;
import org.mozilla.relengapi.proxy.proxy.UnknownRouteServlet;
import org.mozilla.relengapi.proxy.taskcluster.QueueClient;
import org.mozilla.relengapi.proxy.taskcluster.TaskDefinition;
import org.mozilla.relengapi.proxy.taskcluster.TaskScopes;
import org.mozilla.relengapi.proxy.tokens.TemporaryTokenSource;
import org.mozilla.relengapi.proxy.tokens.TemporaryTokenSource.TokenPolicy;
import org.mozilla.relengapi.proxy.tokens.TokenIssuer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up, the same in the runnable jar and in a servlet container: read the task, turn its scopes into
 * permissions, start the temporary-token source, and register the routes and reserved paths. The runnable jar
 * passes the parsed command line; a container (web.xml) uses the no-argument constructor, and the configuration
 * comes from the context (see {@link ContainerConfiguration}).
 */
public final class ProxyContextListener implements ServletContextListener {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyContextListener.class);
    /** docker-worker gives the proxy 30 s to listen; the queue gets most of it. */
    private static final Duration QUEUE_RETRY_BUDGET = Duration.ofSeconds(20);
    private static final Backoff QUEUE_BACKOFF = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(4));
    private static final String SERVER_EXECUTOR_ATTRIBUTE = "org.eclipse.jetty.server.Executor";

    private final ProxyConfig given;
    private final Clock clock;
    private ProxyConfig config;
    private TemporaryTokenSource tokens;
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final SharedUpstreamClient upstreamClient = new SharedUpstreamClient();

    /** For a servlet container: the configuration is read from the context when it starts. */
    public ProxyContextListener() {
        this(null, Clock.systemUTC());
    }

    public ProxyContextListener(ProxyConfig config, Clock clock) {
        this.given = config;
        this.clock = clock;
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        try {
            if (given == null) {
                config = ContainerConfiguration.read(event.getServletContext(), System.getenv());
                LogFormat.use(config.logFormat());
            } else {
                config = given;
            }
            start(event.getServletContext());
        } catch (StartupException e) {
            if (given == null) {
                // In a container this line is what the operator looks for; the runnable jar prints it itself.
                LOG.error("relengapi-proxy: {}", e.getMessage());
            }
            throw e;
        }
    }

    private void start(ServletContext context) {
        SSLContext tls = sslContext();
        if (!config.egress().isEmpty()) {
            LOG.info("egress proxies: {}", config.egress().describe());
        }
        ControlPlane controlPlane = new ControlPlane(tls, config.egress());
        TaskDefinition task = fetchTask(controlPlane);
        TaskScopes scopes = TaskScopes.of(task.scopes());
        scopes.ignoredWildcards().forEach(scope ->
            LOG.warn("ignoring scope {}: a wildcard cannot grant a RelengAPI permission", scope));
        if (scopes.permissions().isEmpty()) {
            throw new StartupException("task " + config.taskId() + " has no scope starting with " + TaskScopes.PREFIX
                + ": there is no RelengAPI permission to proxy with");
        }
        LOG.info("task {}: permissions {}", config.taskId(), scopes.permissions());

        tokens = new TemporaryTokenSource(
            new TokenIssuer(controlPlane, config.tokensUrl(), config.issuingToken(), clock),
            scopes.permissions(),
            TokenPolicy.standard(config.tokenLifetime(), Optional.ofNullable(task.deadline())),
            clock,
            metrics);
        tokens.start();

        register(context, scopes, tls);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (tokens != null) {
            tokens.close();
        }
        try {
            upstreamClient.stop();
        } catch (Exception e) {
            LOG.warn("stopping the upstream client failed: {}", CallFailure.describe(e));
        }
    }

    private SSLContext sslContext() {
        try {
            return ControlPlane.sslContext(config.caFile());
        } catch (IOException e) {
            throw new StartupException(CallFailure.messageOf(e));
        }
    }

    private TaskDefinition fetchTask(ControlPlane controlPlane) {
        QueueClient queue = new QueueClient(controlPlane, QueueClient.queueBaseFor(config.rootUrl()), QUEUE_BACKOFF,
            QUEUE_RETRY_BUDGET);
        try {
            return queue.fetchTask(config.taskId());
        } catch (CallFailure e) {
            throw new StartupException("cannot read task " + config.taskId() + " from the queue: " + e.getMessage());
        }
    }

    private void register(ServletContext context, TaskScopes scopes, SSLContext tls) {
        // The servlet a request was mapped to names the route: route-PREFIX, catch-all, unknown-route, dockerflow.
        RequestMetricsFilter requestMetrics = new RequestMetricsFilter(metrics, request -> {
            String servlet = request.getHttpServletMapping().getServletName();
            return servlet != null && servlet.startsWith("route-") ? servlet.substring("route-".length()) : servlet;
        });
        FilterRegistration.Dynamic counting = context.addFilter("request-metrics", requestMetrics);
        counting.setAsyncSupported(true);
        counting.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        FilterRegistration.Dynamic guard = context.addFilter("request-guard", new RequestGuardFilter());
        guard.setAsyncSupported(true);
        guard.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");

        boolean containerHasExecutor = context.getAttribute(SERVER_EXECUTOR_ATTRIBUTE) != null;
        List<String> prefixes = new ArrayList<>();
        for (Route route : config.routes()) {
            addProxy(context, "route-" + route.prefix(), route, tls, containerHasExecutor, "/" + route.prefix() + "/*");
            prefixes.add(route.prefix());
        }
        if (config.catchAll().isPresent()) {
            addProxy(context, "catch-all", new Route("", config.catchAll().get()), tls, containerHasExecutor, "/");
        } else {
            context.addServlet("unknown-route", new UnknownRouteServlet(prefixes)).addMapping("/");
        }
        context.addServlet("dockerflow", new DockerflowServlet(config.taskId(), scopes, tokens, BuildInfo.load()))
            .addMapping(DockerflowServlet.LB_HEARTBEAT, DockerflowServlet.HEARTBEAT, DockerflowServlet.VERSION);
        context.addServlet("metrics", new MetricsServlet(metrics)).addMapping(MetricsServlet.PATH);
    }

    private void addProxy(ServletContext context, String name, Route route, SSLContext tls, boolean containerHasExecutor,
                          String mapping) {
        ServletRegistration.Dynamic servlet =
            context.addServlet(name, new TokenInjectingProxyServlet(route, tokens, tls, upstreamClient, metrics, config.egress()));
        servlet.setAsyncSupported(true);
        servlet.setInitParameter("proxyTo", route.upstream().toString());
        if (!route.prefix().isEmpty()) {
            servlet.setInitParameter("prefix", "/" + route.prefix());
        }
        // Jetty's default is the machine's host name, which upstreams have no business knowing.
        servlet.setInitParameter("viaHost", "relengapi-proxy");
        // Jetty's 60 s default is a total-request timeout: it would cut multi-GB downloads. Only idleness ends a request.
        servlet.setInitParameter("timeout", "0");
        servlet.setInitParameter("idleTimeout", Long.toString(config.idleTimeout().toMillis()));
        // Upstream answers are read 64 KiB at a time instead of Jetty's 16: a 1 GiB download went ~20 % faster
        // (bench/). 64 KiB is also the largest buffer Jetty's pool keeps; 128 KiB ones were allocated per read and
        // cut the 1 KiB requests/s to a third.
        servlet.setInitParameter("responseBufferSize", "65536");
        // Jetty's client refuses to send a request head over 8 KiB, which a client head just under the connector's own
        // 8 KiB limit exceeds once Authorization, Via and Forwarded (which repeats the client's Host) are added: such a
        // request failed as 502. With room for twice the connector's limit plus a token of up to ~45 KiB, whatever
        // the connector accepted can be forwarded. 64 KiB is the largest buffer Jetty's pool keeps.
        servlet.setInitParameter("maxRequestHeadersSize", "65536");
        // Each download in flight holds one upstream connection for as long as its client takes to read it. With
        // Jetty's 256 per upstream, a task's 257th parallel tooltool download, or any request after it, waited for a
        // slow one to finish. 4,096 matches what the direct-memory cap holds (README, "Slow clients").
        servlet.setInitParameter("maxConnections", "4096");
        if (!containerHasExecutor) {
            // In a container that is not Jetty, the shared upstream client gets its own thread pool.
            servlet.setInitParameter("maxThreads", "128");
        }
        servlet.addMapping(mapping);
    }
}
