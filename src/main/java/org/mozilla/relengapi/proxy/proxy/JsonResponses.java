package org.mozilla.relengapi.proxy.proxy;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The proxy's own answers (errors, Dockerflow, refusals by Jetty itself) as JSON, in one shape. */
public final class JsonResponses {
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private JsonResponses() {
    }

    public static void write(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes = GSON.toJson(body).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    public static void error(HttpServletResponse response, int status, String code, String message) throws IOException {
        error(response, status, code, message, Map.of());
    }

    public static void error(HttpServletResponse response, int status, String code, String message, Map<String, ?> extra)
        throws IOException {
        write(response, status, errorBody(code, message, extra));
    }

    /** {@code {"error": code, "message": message}} plus any extra fields. */
    public static String errorJson(String code, String message) {
        return GSON.toJson(errorBody(code, message, Map.of()));
    }

    private static Map<String, Object> errorBody(String code, String message, Map<String, ?> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        body.putAll(extra);
        return body;
    }
}
