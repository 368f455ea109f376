package org.mozilla.relengapi.proxy.cli;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * One entry of the route table: requests under {@code /prefix} go to {@code upstream} (whose path, if any, is the
 * base that the rest of the request path is appended to). The catch-all route has an empty prefix.
 */
public record Route(String prefix, URI upstream) {
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._~-]+");

    public Route {
        if (!prefix.isEmpty() && !isValidPrefix(prefix)) {
            throw new IllegalArgumentException("invalid route prefix " + prefix);
        }
        upstream = withoutTrailingSlash(upstream);
    }

    /** One path segment, not a dot-segment, not starting with the {@code __} reserved for the proxy's own paths. */
    public static boolean isValidPrefix(String prefix) {
        return prefix != null && PREFIX.matcher(prefix).matches() && !prefix.startsWith("__")
            && !prefix.equals(".") && !prefix.equals("..");
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.replaceAll("/+$", "")) : uri;
    }
}
