package org.mozilla.relengapi.proxy.metrics;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.mozilla.relengapi.proxy.proxy.ReservedPathServlet;

/** {@value #PATH}: the proxy's counters in the Prometheus text format. A reserved path, never proxied. */
public final class MetricsServlet extends ReservedPathServlet {
    public static final String PATH = "/__metrics__";
    private final ProxyMetrics metrics;

    public MetricsServlet(ProxyMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType(metrics.contentType());
        response.setHeader("Cache-Control", "no-store");
        metrics.writeTo(response.getOutputStream());
    }
}
