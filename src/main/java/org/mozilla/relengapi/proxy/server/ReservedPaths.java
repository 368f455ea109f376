package org.mozilla.relengapi.proxy.server;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.mozilla.relengapi.proxy.metrics.ProxyMetrics;
import org.mozilla.relengapi.proxy.proxy.JsonResponses;
import org.mozilla.relengapi.proxy.taskcluster.TaskScopes;
import org.mozilla.relengapi.proxy.tokens.TemporaryTokenSource;
import org.mozilla.relengapi.proxy.tokens.TemporaryTokenSource.TokenStatus;

/**
 * The proxy's own paths, never proxied: Mozilla Dockerflow's {@code /__lbheartbeat__} (the process serves),
 * {@code /__heartbeat__} (a usable temporary token is held) and {@code /__version__}, and {@code /__metrics__} (the
 * counters, in the Prometheus text format). They answer GET and HEAD, and 405 to anything else.
 */
final class ReservedPaths extends HttpServlet {
    /** Each path, with the route name the metrics count it under. */
    static final Map<String, String> PATHS = Map.of("/__lbheartbeat__", "dockerflow", "/__heartbeat__", "dockerflow",
        "/__version__", "dockerflow", "/__metrics__", "metrics");

    private final String taskId;
    private final TaskScopes scopes;
    private final TemporaryTokenSource tokens;
    private final ProxyMetrics metrics;
    private final BuildInfo build = BuildInfo.load();

    ReservedPaths(String taskId, TaskScopes scopes, TemporaryTokenSource tokens, ProxyMetrics metrics) {
        this.taskId = taskId;
        this.scopes = scopes;
        this.tokens = tokens;
        this.metrics = metrics;
    }

    static Optional<String> label(String servletPath) {
        return Optional.ofNullable(PATHS.get(servletPath));
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            response.setHeader("Allow", "GET, HEAD");
            if (request.getContentLengthLong() != 0) {
                // The body is left unread, and may still be arriving: the connection cannot carry a next request.
                response.setHeader("Connection", "close");
            }
            JsonResponses.error(response, 405, "method_not_allowed", request.getServletPath() + " answers GET and HEAD only");
            return;
        }
        super.service(request, response);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        switch (request.getServletPath()) {
            case "/__lbheartbeat__" -> JsonResponses.write(response, 200, Map.of("status", "ok"));
            case "/__heartbeat__" -> heartbeat(response);
            case "/__version__" -> JsonResponses.write(response, 200, build);
            default -> {
                response.setContentType(metrics.contentType());
                response.setHeader("Cache-Control", "no-store");
                metrics.writeTo(response.getOutputStream());
            }
        }
    }

    private void heartbeat(HttpServletResponse response) throws IOException {
        TokenStatus token = tokens.status();
        String status = token.usable() ? "ok" : "error";
        Map<String, Object> tokenDetails = new LinkedHashMap<>();
        tokenDetails.put("status", status);
        token.expires().ifPresent(expires -> tokenDetails.put("expires", expires.toString()));
        token.problem().ifPresent(problem -> tokenDetails.put("message", problem));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("checks", Map.of("task", "ok", "temporary_token", status));
        body.put("details", Map.of("task", Map.of("status", "ok", "task_id", taskId, "permissions", scopes.permissions()),
            "temporary_token", tokenDetails));
        JsonResponses.write(response, token.usable() ? 200 : 503, body);
    }
}
