package org.mozilla.relengapi.proxy.proxy;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A path of the proxy's own (Dockerflow, metrics), never proxied: it answers GET and HEAD, and 405 to anything
 * else (HttpServlet alone would answer 501 to methods it does not know).
 */
public abstract class ReservedPathServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            response.setHeader("Allow", "GET, HEAD");
            if (request.getContentLengthLong() != 0) {
                // The body is left unread, and may still be arriving: the connection cannot carry a next request. Said
                // in the answer, so that a client does not reuse a connection the server is about to close.
                response.setHeader("Connection", "close");
            }
            JsonResponses.error(response, 405, "method_not_allowed", request.getServletPath() + " answers GET and HEAD only");
            return;
        }
        super.service(request, response);
    }
}
