package org.mozilla.relengapi.proxy.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;

/**
 * The proxy's metrics, in a registry of its own (not the library's global one: two proxies in one JVM, or two webapps
 * in one container, must not mix their numbers). Labels hold routes, statuses and kinds; never a path, header or token.
 */
public final class ProxyMetrics {
    /** Seconds: reserved paths answer in about a millisecond, small proxied answers in a few, downloads in minutes. */
    private static final double[] LATENCY_BUCKETS =
        {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    private static final double NANOS_PER_SECOND = 1e9;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests = counter("relengapi_proxy_requests_total",
        "Requests answered, by route (or reserved path) and status", "route", "status");
    private final Counter bytes = counter("relengapi_proxy_proxied_bytes_total",
        "Body bytes proxied, by route and direction (from_client: uploads, to_client: downloads)",
        "route", "direction");
    private final Counter upstreamErrors = counter("relengapi_proxy_upstream_errors_total",
        "Proxied requests whose upstream failed, by route and kind (unreachable, timeout, mid_response)",
        "route", "kind");
    private final Counter issuances = counter("relengapi_proxy_token_issuances_total",
        "Temporary tokens obtained, by kind (first, renewal)", "kind");
    private final Counter tokenFailures = counter("relengapi_proxy_token_failures_total",
        "Failed attempts to obtain a temporary token");
    private final Histogram requestDuration = histogram("relengapi_proxy_request_duration_seconds",
        "From the request's arrival to its last byte answered, by route and status class (2xx, 4xx, ...)",
        "route", "status_class");
    private final Histogram upstreamFirstByte = histogram("relengapi_proxy_upstream_first_byte_seconds",
        "From sending a request upstream to the upstream's response headers, by route", "route");
    private final Histogram issuanceDuration = histogram("relengapi_proxy_token_issuance_duration_seconds",
        "Duration of each call to the token service, successful or not");
    private final Gauge tokenExpiry = Gauge.builder().name("relengapi_proxy_token_expiry_timestamp_seconds")
        .help("When the temporary token held expires, in seconds since the Unix epoch (0: none obtained yet)")
        .withoutExemplars().register(registry);

    private Counter counter(String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars().register(registry);
    }

    private Histogram histogram(String name, String help, String... labels) {
        return Histogram.builder().name(name).help(help).labelNames(labels).classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS).withoutExemplars().register(registry);
    }

    /** A request answered: {@code startNanos} is {@link System#nanoTime()} when it arrived. */
    public void request(String route, int status, long startNanos) {
        requests.labelValues(route, Integer.toString(status)).inc();
        double seconds = (System.nanoTime() - startNanos) / NANOS_PER_SECOND;
        requestDuration.labelValues(route, status / 100 + "xx").observe(seconds);
    }

    /** The upstream's response headers arrived, {@code nanos} after the request was sent. */
    public void upstreamFirstByte(String route, long nanos) {
        upstreamFirstByte.labelValues(route).observe(nanos / NANOS_PER_SECOND);
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

    /** One call to the token service took {@code duration}, whatever its outcome. */
    public void tokenAttempted(Duration duration) {
        issuanceDuration.observe(duration.toNanos() / NANOS_PER_SECOND);
    }

    public void tokenIssued(boolean renewal, Instant expires) {
        issuances.labelValues(renewal ? "renewal" : "first").inc();
        tokenExpiry.set(expires.toEpochMilli() / 1000.0);
    }

    public void tokenFailed() {
        tokenFailures.inc();
    }

    public String contentType() {
        return writer.getContentType();
    }

    public void writeTo(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
