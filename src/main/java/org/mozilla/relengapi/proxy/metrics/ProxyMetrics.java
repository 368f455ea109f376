package org.mozilla.relengapi.proxy.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import org.mozilla.relengapi.proxy.tokens.TemporaryTokenSource;

/**
 * The proxy's counters, in a registry of its own (never the library's global one, so two proxies in one JVM, or two
 * webapps in one container, do not mix their numbers). Labels hold route names, statuses and kinds, never a path,
 * a header or a token.
 */
public final class ProxyMetrics implements TemporaryTokenSource.Events {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private final Counter requests = Counter.builder().name("relengapi_proxy_requests_total")
        .help("Requests answered, by route (or reserved path) and status").labelNames("route", "status")
        .withoutExemplars().register(registry);
    private final Counter bytes = Counter.builder().name("relengapi_proxy_proxied_bytes_total")
        .help("Body bytes proxied, by route and direction (from_client: uploads, to_client: downloads)")
        .labelNames("route", "direction").withoutExemplars().register(registry);
    private final Counter upstreamErrors = Counter.builder().name("relengapi_proxy_upstream_errors_total")
        .help("Proxied requests whose upstream failed, by route and kind (unreachable, timeout, mid_response)")
        .labelNames("route", "kind").withoutExemplars().register(registry);
    private final Counter issuances = Counter.builder().name("relengapi_proxy_token_issuances_total")
        .help("Temporary tokens obtained, by kind (first, renewal)").labelNames("kind").withoutExemplars().register(registry);
    private final Counter tokenFailures = Counter.builder().name("relengapi_proxy_token_failures_total")
        .help("Failed attempts to obtain a temporary token").withoutExemplars().register(registry);

    public void request(String route, int status) {
        requests.labelValues(route, Integer.toString(status)).inc();
    }

    public void bytesFromClient(String route, long count) {
        bytes.labelValues(route, "from_client").inc(count);
    }

    public void bytesToClient(String route, long count) {
        bytes.labelValues(route, "to_client").inc(count);
    }

    public void upstreamError(String route, String kind) {
        upstreamErrors.labelValues(route, kind).inc();
    }

    @Override
    public void issued(boolean renewal) {
        issuances.labelValues(renewal ? "renewal" : "first").inc();
    }

    @Override
    public void failed() {
        tokenFailures.inc();
    }

    public String contentType() {
        return writer.getContentType();
    }

    public void writeTo(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
