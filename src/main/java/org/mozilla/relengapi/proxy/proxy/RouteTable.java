package org.mozilla.relengapi.proxy.proxy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.mozilla.relengapi.proxy.cli.ProxyConfig.Route;

/** Where a request goes: the route its first path segment names, else the catch-all route, if there is one. */
public record RouteTable(List<Route> routes, Optional<Route> catchAll) {
    public static final String UNKNOWN = "unknown-route";

    public RouteTable {
        routes = List.copyOf(routes);
    }

    /**
     * The route of a path within the context (as sent: still percent-encoded), or empty when none takes it. An encoded
     * prefix names its route, as it would in a servlet mapping.
     */
    Optional<Route> route(String rawPath) {
        String first = rawPath.substring(rawPath.startsWith("/") ? 1 : 0).split("/", 2)[0];
        String prefix;
        try {
            prefix = URLDecoder.decode(first.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            prefix = first;
        }
        String wanted = prefix;
        return routes.stream().filter(route -> route.prefix().equals(wanted)).findFirst().or(() -> catchAll);
    }

    /** The upstream URL for a target this route takes: the route's prefix replaced by the upstream's base. */
    String upstreamUrl(Route route, RequestTarget target) {
        String rest = target.rest(isCatchAll(route) ? 0 : 1);
        if (rest.isEmpty() && route.upstream().getRawPath().isEmpty()) {
            rest = "/";
        }
        return route.upstream() + rest + (target.query() == null ? "" : "?" + target.query());
    }

    /** The name of the route of a path, as {@link #route} finds it, for the metrics. */
    public String label(String rawPath) {
        return route(rawPath).map(this::label).orElse(UNKNOWN);
    }

    String label(Route route) {
        return isCatchAll(route) ? "catch-all" : route.prefix();
    }

    List<String> prefixes() {
        return routes.stream().map(Route::prefix).toList();
    }

    private boolean isCatchAll(Route route) {
        return catchAll.isPresent() && catchAll.get() == route;
    }
}
