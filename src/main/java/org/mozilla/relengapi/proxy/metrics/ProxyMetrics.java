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
 * The proxy's counters, in a registry of its own (never the library's global one, so two proxies in one JVM, or two
 * webapps in one container, do not mix their numbers). Labels hold route names, statuses and kinds, never a path,
 * a header or a token.
 */
public final class ProxyMetrics {
    /**
     * Upper bounds in seconds for every latency histogram: a sidecar on the task's machine answers reserved paths in
     * about a millisecond, proxies small answers in a few, and large downloads run up to minutes (the top bucket,
     * 60 s, and +Inf hold those).
     */
    static final double[] LATENCY_BUCKETS =
        {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    private static final double NANOS_PER_SECOND = 1e9;

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
    private final Histogram requestDuration = Histogram.builder().name("relengapi_proxy_request_duration_seconds")
        .help("From the request's arrival to its last byte answered, by route and status class (2xx, 4xx, ...)")
        .labelNames("route", "status_class").classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars()
        .register(registry);
    private final Histogram upstreamFirstByte = Histogram.builder().name("relengapi_proxy_upstream_first_byte_seconds")
        .help("From sending a request upstream to the upstream's response headers, by route")
        .labelNames("route").classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars().register(registry);
    private final Histogram issuanceDuration = Histogram.builder().name("relengapi_proxy_token_issuance_duration_seconds")
        .help("Duration of each call to the token service, successful or not")
        .classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars().register(registry);
    private final Gauge tokenExpiry = Gauge.builder().name("relengapi_proxy_token_expiry_timestamp_seconds")
        .help("When the temporary token held expires, in seconds since the Unix epoch (0: none obtained yet)")
        .withoutExemplars().register(registry);

    /** A request answered: {@code startNanos} is {@link System#nanoTime()} when it arrived. */
    public void request(String route, int status, long startNanos) {
        requests.labelValues(route, Integer.toString(status)).inc();
        requestDuration.labelValues(route, status / 100 + "xx").observe((System.nanoTime() - startNanos) / NANOS_PER_SECOND);
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
