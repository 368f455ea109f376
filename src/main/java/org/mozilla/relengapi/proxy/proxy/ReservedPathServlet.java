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
            JsonResponses.error(response, 405, "method_not_allowed", request.getServletPath() + " answers GET and HEAD only");
            return;
        }
        super.service(request, response);
    }
}
