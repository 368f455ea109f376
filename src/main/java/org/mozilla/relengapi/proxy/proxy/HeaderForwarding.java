package org.mozilla.relengapi.proxy.proxy;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Forwards header lines the way they were sent, in both directions: each line's name and value as received, in
 * order, repeated names as separate lines, less the hop-by-hop ones ({@link HopByHopHeaders}). Jetty's proxy servlet
 * instead rebuilds each response header from its parsed value list, which drops quotes, re-spaces values and loses
 * a JSON-valued header (and every later one).
 */
final class HeaderForwarding {
    private final ClientExchange exchange;

    HeaderForwarding(ClientExchange exchange) {
        this.exchange = exchange;
    }

    /**
     * Gives the upstream request the client's end-to-end header lines. {@code Host} is the upstream's (Jetty's
     * client sets it from the target).
     */
    void copyRequestHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        HttpFields received = exchange.requestFields(clientRequest);
        HopByHopHeaders hopByHop = HopByHopHeaders.forConnectionValues(received.getValuesList(HttpHeader.CONNECTION));
        HttpFields.Mutable forwarded = HttpFields.build();
        for (HttpField field : received) {
            if (field.getHeader() != HttpHeader.HOST && !hopByHop.contains(field.getName())) {
                forwarded.add(field);
            }
        }
        proxyRequest.headers(headers -> headers.clear().add(forwarded));
    }

    /** Gives the client's response the upstream's end-to-end header lines. */
    void copyResponseHeaders(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, Response serverResponse) {
        HttpFields received = serverResponse.getHeaders();
        HopByHopHeaders hopByHop = HopByHopHeaders.forConnectionValues(received.getValuesList(HttpHeader.CONNECTION));
        List<HttpField> forwarded = received.stream().filter(field -> !hopByHop.contains(field.getName())).toList();
        exchange.setResponseFields(clientRequest, proxyResponse, forwarded);
    }
}
