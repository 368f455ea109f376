package org.mozilla.relengapi.proxy.metrics;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Counts and times every answered request by route and status, once it is complete: proxied requests end asynchronously
 * (and may go through a second asynchronous cycle while they wait for a token), so the count follows them there.
 */
public final class RequestMetricsFilter extends HttpFilter {
    private final ProxyMetrics metrics;

    public RequestMetricsFilter(ProxyMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws IOException, ServletException {
        long start = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            String route = routeOf(request);
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new CountOnCompletion(route, response, start));
            } else {
                metrics.request(route, response.getStatus(), start);
            }
        }
    }

    /** The servlet the request was mapped to names the route: route-PREFIX, catch-all, unknown-route, dockerflow. */
    private static String routeOf(HttpServletRequest request) {
        String servlet = request.getHttpServletMapping().getServletName();
        return servlet != null && servlet.startsWith("route-") ? servlet.substring("route-".length()) : servlet;
    }

    private final class CountOnCompletion implements AsyncListener {
        private final String route;
        private final HttpServletResponse response;
        private final long start;

        CountOnCompletion(String route, HttpServletResponse response, long start) {
            this.route = route;
            this.response = response;
            this.start = start;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            metrics.request(route, response.getStatus(), start);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // The proxy sets no asynchronous timeout; completion is what is counted.
        }

        @Override
        public void onError(AsyncEvent event) {
            // Counted at completion, which follows.
        }

        /** A new cycle (after waiting for a token) only reports to listeners that register with it again. */
        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }
}
