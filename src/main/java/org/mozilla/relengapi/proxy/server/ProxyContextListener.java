package org.mozilla.relengapi.proxy.server;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import java.time.Clock;
import java.util.EnumSet;
import org.mozilla.relengapi.proxy.cli.ProxyConfig;
import org.mozilla.relengapi.proxy.cli.ProxyConfig.Route;
import org.mozilla.relengapi.proxy.logging.LogFormat;
import org.mozilla.relengapi.proxy.metrics.ProxyMetrics;
import org.mozilla.relengapi.proxy.metrics.RequestMetricsFilter;
import org.mozilla.relengapi.proxy.proxy.RequestGuardFilter;
import org.mozilla.relengapi.proxy.proxy.RouteTable;
import org.mozilla.relengapi.proxy.proxy.TokenInjectingProxyServlet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Startup} when the context starts, then registers the filters, the proxy servlet and the reserved paths.
 * The runnable jar passes the parsed command line; a container (web.xml) uses the no-argument constructor, and the
 * configuration comes from the context ({@link ContainerConfiguration}).
 */
public final class ProxyContextListener implements ServletContextListener {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyContextListener.class);

    private final ProxyConfig given;
    private final Clock clock;
    private final ProxyMetrics metrics = new ProxyMetrics();
    private Startup started;

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
        ProxyConfig config = given;
        try {
            if (config == null) {
                config = ContainerConfiguration.read(event.getServletContext(), System.getenv());
                LogFormat.use(config.logFormat());
            }
            started = Startup.run(config, clock, metrics);
        } catch (StartupException e) {
            if (given == null) {
                // In a container this line is what the operator looks for; the runnable jar prints it itself.
                LOG.error("relengapi-proxy: {}", e.getMessage());
            }
            throw e;
        }
        register(event.getServletContext(), config);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (started != null) {
            started.tokens().close();
        }
    }

    private void register(ServletContext context, ProxyConfig config) {
        RouteTable routes = new RouteTable(config.routes(), config.catchAll().map(upstream -> new Route("", upstream)));
        addFilter(context, "request-metrics", new RequestMetricsFilter(metrics, request -> {
            return ReservedPaths.label(request.getServletPath())
                .orElseGet(() -> routes.label(RequestGuardFilter.rawPath(request)));
        }));
        addFilter(context, "request-guard", new RequestGuardFilter());

        ServletRegistration.Dynamic proxy = context.addServlet("proxy",
            new TokenInjectingProxyServlet(routes, started.tokens(), started.tls(), config.egress(), metrics));
        proxy.setAsyncSupported(true);
        // Jetty's default is the machine's host name, which upstreams have no business knowing.
        proxy.setInitParameter("viaHost", "relengapi-proxy");
        // Jetty's 60 s default is a total-request timeout: it would cut multi-GB downloads. Only idleness ends a request.
        proxy.setInitParameter("timeout", "0");
        proxy.setInitParameter("idleTimeout", Long.toString(config.idleTimeout().toMillis()));
        // Upstream answers are read 64 KiB at a time instead of Jetty's 16 (bench/README.md); 64 KiB is also the largest
        // buffer Jetty's pool keeps.
        proxy.setInitParameter("responseBufferSize", "65536");
        // Room for a client head just under the connector's 8 KiB plus Authorization, Via and Forwarded: Jetty's client
        // refuses to send a head over its 8 KiB default, which failed such a request as 502.
        proxy.setInitParameter("maxRequestHeadersSize", "65536");
        // Each download in flight holds an upstream connection while its client reads: with Jetty's 256, a task's 257th
        // parallel download waited for a slow one. 4,096 matches the direct-memory cap (README, "Slow clients").
        proxy.setInitParameter("maxConnections", "4096");
        if (context.getAttribute("org.eclipse.jetty.server.Executor") == null) {
            // In a container that is not Jetty, the upstream client gets a thread pool of its own.
            proxy.setInitParameter("maxThreads", "128");
        }
        // "/*", not the default servlet's "/": a container's extension mappings (*.jsp...) would win over that one.
        proxy.addMapping("/*");
        context.addServlet("reserved-paths", new ReservedPaths(config.taskId(), started.scopes(), started.tokens(), metrics))
            .addMapping(ReservedPaths.PATHS.keySet().toArray(String[]::new));
    }

    private static void addFilter(ServletContext context, String name, jakarta.servlet.Filter filter) {
        FilterRegistration.Dynamic registration = context.addFilter(name, filter);
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    }
}
