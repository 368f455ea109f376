package org.mozilla.relengapi.proxy.server;

import java.io.IOException;
import java.io.PrintWriter;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.mozilla.relengapi.proxy.proxy.JsonResponses;

/**
 * The answers Jetty itself gives to requests it refuses before any servlet (malformed request lines, ambiguous
 * URIs, oversized headers): JSON like the proxy's own errors, never HTML and never a stack trace.
 */
final class JsonErrorHandler extends ErrorHandler {

    JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
        setShowOrigin(false);
        setDefaultResponseMimeType("application/json");
    }

    /** Jetty writes a body only for GET, POST and HEAD; every refusal gets its JSON (HEAD still sends no body). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        if (code == 505) {
            // The proxy speaks HTTP/1.x; any other version in a request line is a malformed request, not a failure of
            // the proxy: 400, so that a 5xx always means the proxy or an upstream could not serve.
            response.setStatus(400);
            super.generateResponse(request, response, 400, "unsupported HTTP version", cause, callback);
            return;
        }
        super.generateResponse(request, response, code, message, cause, callback);
    }

    @Override
    protected void writeErrorJson(Request request, PrintWriter writer, int code, String message, Throwable cause) {
        if (code == 400 && cause != null && cause.getCause() instanceof IllegalArgumentException) {
            // What Jetty's URI parser throws (an encoded NUL, a malformed escape, a ".." above the root) comes wrapped
            // in a "Bad Request": the same refusal as RequestGuardFilter's, so the same code.
            writer.write(JsonResponses.errorJson("bad_path",
                "refused: the path cannot be parsed (an encoded NUL, a malformed %-escape or .. above the root)"));
            return;
        }
        writer.write(JsonResponses.errorJson(code == 414 ? "target_too_long" : code == 431 ? "headers_too_large"
            : code == 404 ? "not_found" : code >= 500 ? "server_error" : "bad_request", message == null ? "refused" : message));
    }
}
