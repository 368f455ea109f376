package org.mozilla.relengapi.proxy.cli;

import java.net.URI;

/**
 * One entry of the route table: requests under {@code /prefix} go to {@code upstream} (whose path, if any, is the
 * base that the rest of the request path is appended to). The catch-all route has an empty prefix.
 */
public record Route(String prefix, URI upstream) {

    /** A prefix is one path segment, not a dot-segment, not starting with the {@code __} of the proxy's own paths. */
    public Route {
        if (prefix.startsWith("__")) {
            throw new IllegalArgumentException("prefixes starting with __ are reserved for the proxy");
        }
        if (!prefix.isEmpty() && (!prefix.matches("[A-Za-z0-9._~-]+") || prefix.matches("\\.\\.?"))) {
            throw new IllegalArgumentException("a prefix is one path segment of letters, digits, '.', '_', '~' or '-'");
        }
        upstream = URI.create(upstream.toString().replaceAll("/+$", ""));
    }
}
