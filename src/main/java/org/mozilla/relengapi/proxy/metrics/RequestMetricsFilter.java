package org.mozilla.relengapi.proxy.metrics;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Function;

/** Counts a request once complete: a proxied one ends asynchronously, maybe in a second cycle (waiting for a token). */
public final class RequestMetricsFilter extends HttpFilter {
    private final ProxyMetrics metrics;
    private final Function<HttpServletRequest, String> routeOf;

    /** {@code routeOf} names the route label of a request, once the request has been dispatched. */
    public RequestMetricsFilter(ProxyMetrics metrics, Function<HttpServletRequest, String> routeOf) {
        this.metrics = metrics;
        this.routeOf = routeOf;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws IOException, ServletException {
        long start = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            String route = routeOf.apply(request);
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new AsyncListener() {
                    @Override
                    public void onComplete(AsyncEvent event) {
                        metrics.request(route, response.getStatus(), start);
                    }

                    /** A new cycle (after waiting for a token) only reports to listeners that register again. */
                    @Override
                    public void onStartAsync(AsyncEvent event) {
                        event.getAsyncContext().addListener(this);
                    }

                    // Not counted here: the proxy sets no asynchronous timeout, and an error ends in a completion.
                    @Override
                    public void onTimeout(AsyncEvent event) {
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                    }
                });
            } else {
                metrics.request(route, response.getStatus(), start);
            }
        }
    }
}
