package org.mozilla.relengapi.proxy.server;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mozilla.relengapi.proxy.proxy.JsonResponses;
import org.mozilla.relengapi.proxy.proxy.ReservedPathServlet;
import org.mozilla.relengapi.proxy.taskcluster.TaskScopes;
import org.mozilla.relengapi.proxy.tokens.TemporaryTokenSource;
import org.mozilla.relengapi.proxy.tokens.TemporaryTokenSource.TokenStatus;

/**
 * Mozilla Dockerflow's reserved paths, never proxied: {@value #LB_HEARTBEAT} (the process serves),
 * {@value #HEARTBEAT} (a usable temporary token is held) and {@value #VERSION}.
 */
public final class DockerflowServlet extends ReservedPathServlet {
    public static final String LB_HEARTBEAT = "/__lbheartbeat__";
    public static final String HEARTBEAT = "/__heartbeat__";
    public static final String VERSION = "/__version__";

    private final String taskId;
    private final TaskScopes scopes;
    private final TemporaryTokenSource tokens;
    private final BuildInfo build;

    public DockerflowServlet(String taskId, TaskScopes scopes, TemporaryTokenSource tokens, BuildInfo build) {
        this.taskId = taskId;
        this.scopes = scopes;
        this.tokens = tokens;
        this.build = build;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        switch (request.getServletPath()) {
            case LB_HEARTBEAT -> JsonResponses.write(response, 200, Map.of("status", "ok"));
            case HEARTBEAT -> heartbeat(response);
            case VERSION -> JsonResponses.write(response, 200, build);
            default -> JsonResponses.error(response, 404, "not_found", "no such reserved path");
        }
    }

    private void heartbeat(HttpServletResponse response) throws IOException {
        TokenStatus token = tokens.status();
        Map<String, Object> tokenDetails = new LinkedHashMap<>();
        tokenDetails.put("status", token.usable() ? "ok" : "error");
        token.expires().ifPresent(expires -> tokenDetails.put("expires", expires.toString()));
        token.problem().ifPresent(problem -> tokenDetails.put("message", problem));

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", token.usable() ? "ok" : "error");
        body.put("checks", Map.of("task", "ok", "temporary_token", token.usable() ? "ok" : "error"));
        body.put("details", Map.of(
            "task", Map.of("status", "ok", "task_id", taskId, "permissions", scopes.permissions()),
            "temporary_token", tokenDetails));
        JsonResponses.write(response, token.usable() ? 200 : 503, body);
    }
}
