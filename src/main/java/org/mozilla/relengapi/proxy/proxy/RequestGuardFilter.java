package org.mozilla.relengapi.proxy.proxy;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses, before any route or reserved path sees them, the requests that could turn the proxy into an open
 * proxy or leak the token: CONNECT, TRACE and TRACK, also when asked for through a method-override header (405);
 * a transfer coding other than chunked (501), whose body the proxy could not forward as sent; and targets that
 * cannot be forwarded as sent without risk (400). Requests that pass carry their {@link RequestTarget}.
 */
public final class RequestGuardFilter extends HttpFilter {
    private static final String TARGET_ATTRIBUTE = RequestTarget.class.getName();
    private static final Set<String> REFUSED_METHODS = Set.of("CONNECT", "TRACE", "TRACK");
    /** Headers some frameworks read to replace the request line's method: an upstream could turn a GET into a TRACE. */
    private static final Set<String> METHOD_OVERRIDE_HEADERS = Set.of("x-http-method-override", "x-http-method",
        "x-method-override");

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws IOException, ServletException {
        String method = request.getMethod();
        // Jetty's client upper-cases the method it forwards, so "trace" would leave as TRACE: compare ignoring case,
        // and refuse any method not written in upper case rather than let the client rewrite it.
        if (isRefusedMethod(method) || !method.equals(method.toUpperCase(Locale.ROOT))) {
            // A CONNECT's tunnel bytes would follow on the same connection: they must not be read as a next request.
            if ("CONNECT".equalsIgnoreCase(method)) {
                response.setHeader("Connection", "close");
            }
            methodNotAllowed(response, "this method is not forwarded by this proxy");
            return;
        }
        for (String header : Collections.list(request.getHeaderNames())) {
            // Underscored names are forwarded, and WSGI servers (RelengAPI is Flask) read X_HTTP_Method_Override as
            // X-HTTP-Method-Override.
            if (!METHOD_OVERRIDE_HEADERS.contains(header.replace('_', '-').toLowerCase(Locale.ROOT))) {
                continue;
            }
            for (String value : Collections.list(request.getHeaders(header))) {
                if (listElements(value).stream().anyMatch(RequestGuardFilter::isRefusedMethod)) {
                    methodNotAllowed(response, "the method asked for in " + header + " is not forwarded by this proxy");
                    return;
                }
            }
        }
        for (String value : Collections.list(request.getHeaders("Transfer-Encoding"))) {
            if (listElements(value).stream().anyMatch(coding -> !coding.equalsIgnoreCase("chunked"))) {
                JsonResponses.error(response, 501, "transfer_coding_not_implemented",
                    "the only transfer coding this proxy implements is chunked");
                return;
            }
        }
        try {
            request.setAttribute(TARGET_ATTRIBUTE, RequestTarget.parse(rawPath(request), request.getQueryString()));
        } catch (RequestTarget.InvalidPathException e) {
            JsonResponses.error(response, 400, "bad_path", "refused: " + e.getMessage());
            return;
        }
        chain.doFilter(request, response);
    }

    /** The checked target of a request that passed this filter. */
    static RequestTarget target(HttpServletRequest request) {
        return (RequestTarget) request.getAttribute(TARGET_ATTRIBUTE);
    }

    /** The request's path within the context, still percent-encoded as the client sent it. */
    public static String rawPath(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String raw = uri.substring(Math.min(request.getContextPath().length(), uri.length()));
        return raw.isEmpty() ? "/" : raw;
    }

    private static boolean isRefusedMethod(String method) {
        return REFUSED_METHODS.contains(method.toUpperCase(Locale.ROOT));
    }

    private static void methodNotAllowed(HttpServletResponse response, String message) throws IOException {
        response.setHeader("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
        JsonResponses.error(response, 405, "method_not_allowed", message);
    }

    /** The non-empty elements of a comma-separated header value (RFC 9110 §5.6.1), trimmed. */
    private static List<String> listElements(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(element -> !element.isEmpty()).toList();
    }
}
