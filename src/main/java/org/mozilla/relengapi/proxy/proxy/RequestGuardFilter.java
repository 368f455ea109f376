package org.mozilla.relengapi.proxy.proxy;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;

/**
 * Refuses, before any route or reserved path sees them, the requests that could turn the proxy into an open
 * proxy or leak the token: CONNECT and TRACE (405), and targets that cannot be put in canonical, segment-safe form (400).
 * Requests that pass carry their {@link RequestTarget} as the request attribute {@link #TARGET_ATTRIBUTE}.
 */
public final class RequestGuardFilter extends HttpFilter {
    public static final String TARGET_ATTRIBUTE = RequestTarget.class.getName();

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws IOException, ServletException {
        String method = request.getMethod();
        // Jetty's client upper-cases the method it forwards, so "trace" would leave as TRACE: compare ignoring case,
        // and refuse any method not written in upper case rather than let the client rewrite it.
        if ("CONNECT".equalsIgnoreCase(method) || "TRACE".equalsIgnoreCase(method)
            || !method.equals(method.toUpperCase(Locale.ROOT))) {
            response.setHeader("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
            JsonResponses.error(response, 405, "method_not_allowed", "this method is not forwarded by this proxy");
            return;
        }
        String uri = request.getRequestURI();
        String raw = uri.substring(Math.min(request.getContextPath().length(), uri.length()));
        try {
            request.setAttribute(TARGET_ATTRIBUTE, RequestTarget.parse(raw.isEmpty() ? "/" : raw, request.getQueryString()));
        } catch (RequestTarget.InvalidPathException e) {
            JsonResponses.error(response, 400, "bad_path", "refused: " + e.getMessage());
            return;
        }
        chain.doFilter(request, response);
    }
}
