package org.mozilla.relengapi.proxy.proxy;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Forwards header lines the way they were sent, in both directions: each line's name and value as received, in
 * order, repeated names as separate lines, less the hop-by-hop ones ({@link #endToEnd}). Jetty's proxy servlet
 * instead rebuilds each response header from its parsed value list, which drops quotes, re-spaces values and loses
 * a JSON-valued header (and every later one). Chunked trailers are forwarded to HTTP/1.1 clients that accept them.
 */
final class HeaderForwarding {
    /** Connection-level headers (RFC 9110 §7.6.1), never forwarded, with the common misspelling {@code Trailers}. */
    private static final Set<String> HOP_BY_HOP =
        Set.of("connection", "keep-alive", "te", "trailer", "trailers", "transfer-encoding", "upgrade");
    private static final Set<String> NEVER_IN_TRAILERS = Set.of("content-length", "content-type", "content-encoding",
        "content-range", "host", "authorization", "set-cookie", "www-authenticate", "location", "cache-control",
        "expires", "date", "age", "vary", "retry-after");
    private final ClientExchange exchange;

    HeaderForwarding(ClientExchange exchange) {
        this.exchange = exchange;
    }

    /**
     * Gives the upstream request the client's end-to-end header lines. {@code Host} is the upstream's (Jetty's
     * client sets it from the target); a client that accepts trailers still says so upstream.
     */
    void copyRequestHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        HttpFields received = exchange.requestFields(clientRequest);
        HttpFields.Mutable forwarded = HttpFields.build();
        endToEnd(received).stream().filter(field -> field.getHeader() != HttpHeader.HOST).forEach(forwarded::add);
        if (acceptsTrailers(clientRequest)) {
            forwarded.add(HttpHeader.TE, "trailers");
        }
        proxyRequest.headers(headers -> headers.clear().add(forwarded));
    }

    /** Gives the client's response the upstream's end-to-end header lines, and its trailers if the client takes them. */
    void copyResponseHeaders(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Response serverResponse) {
        HttpFields received = serverResponse.getHeaders();
        exchange.setResponseFields(clientRequest, proxyResponse, endToEnd(received));
        if (acceptsTrailers(clientRequest) && !received.contains(HttpHeader.CONTENT_LENGTH)) {
            // Called once the body has been sent, when the upstream's trailers (if any) have arrived.
            proxyResponse.setTrailerFields(() -> trailers(serverResponse.getTrailers()));
        }
    }

    /** An HTTP/1.1 client that sent {@code TE: trailers} (RFC 9110 §10.1.4); HTTP/1.0 has no trailers. */
    private static boolean acceptsTrailers(HttpServletRequest clientRequest) {
        if (!"HTTP/1.1".equals(clientRequest.getProtocol())) {
            return false;
        }
        for (String value : Collections.list(clientRequest.getHeaders(HttpHeader.TE.asString()))) {
            for (String coding : value.split(",")) {
                if (coding.split(";")[0].trim().toLowerCase(Locale.ROOT).equals("trailers")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The servlet API takes trailers as a map: repeated names are joined into one line, as RFC 9110 §5.3 allows.
     * Hop-by-hop fields and those a trailer may never carry (RFC 9110 §6.5.1: framing, routing, authentication,
     * content metadata) are dropped, so a trailer cannot reframe or re-describe the message or set a cookie.
     */
    private static Map<String, String> trailers(HttpFields upstreamTrailers) {
        Map<String, String> trailers = new LinkedHashMap<>();
        if (upstreamTrailers != null) {
            for (HttpField field : endToEnd(upstreamTrailers)) {
                if (!NEVER_IN_TRAILERS.contains(field.getLowerCaseName())) {
                    trailers.merge(field.getName(), field.getValue(), (first, next) -> first + ", " + next);
                }
            }
        }
        return trailers;
    }

    /** The lines that are not hop-by-hop: {@link #HOP_BY_HOP}, {@code Proxy-*}, and those {@code Connection} names. */
    private static List<HttpField> endToEnd(HttpFields fields) {
        Set<String> named = new HashSet<>();
        for (String value : fields.getValuesList(HttpHeader.CONNECTION)) {
            for (String token : value.split(",")) {
                named.add(token.trim().toLowerCase(Locale.ROOT));
            }
        }
        return fields.stream().filter(field -> {
            String name = field.getLowerCaseName();
            return !HOP_BY_HOP.contains(name) && !name.startsWith("proxy-") && !named.contains(name);
        }).toList();
    }
}
