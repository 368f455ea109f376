package org.mozilla.relengapi.proxy.proxy;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * The client's side of an exchange at the level of header lines and the connection, which the servlet API only
 * partly reaches: it groups request headers by name, rewrites some response headers (a container may normalise
 * {@code Content-Type}), and cannot reset a connection. In the runnable jar the proxy runs in its own embedded Jetty
 * and reaches the server's own header lists ({@link EmbeddedJettyExchange}); deployed as a WAR it has the servlet
 * API only ({@link ServletApiExchange}).
 */
interface ClientExchange {
    /** The client request's header lines as received: each line its own field, in the order they came. */
    HttpFields requestFields(HttpServletRequest request);

    /**
     * Puts these lines, in this order, into the response headers, in place of any the container put there under
     * the same names (e.g. its own {@code Date}).
     */
    void setResponseFields(HttpServletRequest request, HttpServletResponse response, List<HttpField> fields);

    /** Makes the next close of the client's connection abortive (a reset), where the container allows it. */
    void resetOnClose(HttpServletRequest request);

    /**
     * The embedded server's exchange when the proxy runs in it, else the servlet API's. The check is made here, not
     * in {@link EmbeddedJettyExchange}, so that the class that needs Jetty's server is never loaded without it.
     */
    static ClientExchange forContainer() {
        try {
            Class.forName("org.eclipse.jetty.ee10.servlet.ServletContextRequest", false, ClientExchange.class.getClassLoader());
            return new EmbeddedJettyExchange();
        } catch (ClassNotFoundException | LinkageError e) {
            return new ServletApiExchange();
        }
    }
}
