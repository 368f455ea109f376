package org.mozilla.relengapi.proxy.proxy;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Answers paths that no route matches (when there is no catch-all upstream) with 404 and the known prefixes. */
public final class UnknownRouteServlet extends HttpServlet {
    private final List<String> prefixes;

    public UnknownRouteServlet(List<String> prefixes) {
        this.prefixes = List.copyOf(prefixes);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonResponses.error(response, 404, "unknown_route",
            "no route for this path; known prefixes: /" + String.join(", /", prefixes),
            Map.of("routes", prefixes));
    }
}
