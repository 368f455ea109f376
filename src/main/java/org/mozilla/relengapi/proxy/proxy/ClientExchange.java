package org.mozilla.relengapi.proxy.proxy;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.ee10.servlet.ServletContextResponse;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;

/**
 * The client's side of an exchange as header lines and a connection, which the servlet API only partly reaches: it
 * groups request headers by name, may re-render response values (Tomcat and Jetty normalise {@code Content-Type}),
 * and cannot reset a connection. In its own embedded Jetty the proxy reaches the server's objects instead
 * ({@link EmbeddedJetty}); deployed as a WAR it has the servlet API only (this class).
 */
class ClientExchange {

    /** The embedded server's exchange where Jetty's server classes are visible (not in a WAR), else the servlet API's. */
    static ClientExchange forContainer() {
        try {
            // Checked here so that EmbeddedJetty, which needs those classes, is never loaded without them.
            Class.forName("org.eclipse.jetty.ee10.servlet.ServletContextRequest", false, ClientExchange.class.getClassLoader());
            return new EmbeddedJetty();
        } catch (ClassNotFoundException | LinkageError e) {
            return new ClientExchange();
        }
    }

    /** The client request's header lines: each its own field, in the order they came. */
    HttpFields requestFields(HttpServletRequest request) {
        HttpFields.Mutable fields = HttpFields.build();
        for (String name : Collections.list(request.getHeaderNames())) {
            Collections.list(request.getHeaders(name)).forEach(value -> fields.add(name, value));
        }
        return fields;
    }

    /** Puts these lines, in order, into the response, each first line of a name replacing the container's own. */
    void setResponseFields(HttpServletRequest request, HttpServletResponse response, List<HttpField> fields) {
        Set<String> seen = new HashSet<>();
        for (HttpField field : fields) {
            if (seen.add(field.getLowerCaseName())) {
                response.setHeader(field.getName(), field.getValue());
            } else {
                response.addHeader(field.getName(), field.getValue());
            }
        }
    }

    /** Makes the next close of the client's connection abortive (a reset), where the container allows it. */
    void resetOnClose(HttpServletRequest request) {
    }

    /** A reset (SO_LINGER 0) instead of a clean close, which an HTTP/1.0 client would take for the end of the body. */
    static void resetOnClose(EndPoint endPoint) {
        if (endPoint.getTransport() instanceof NetworkChannel channel) {
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | UnsupportedOperationException e) {
                // Already closed: nothing left to reset.
            }
        }
    }

    private static final class EmbeddedJetty extends ClientExchange {
        @Override
        HttpFields requestFields(HttpServletRequest request) {
            return ServletContextRequest.getServletContextRequest(request).getHeaders();
        }

        @Override
        void setResponseFields(HttpServletRequest request, HttpServletResponse response, List<HttpField> fields) {
            ServletContextResponse servletResponse =
                ServletContextRequest.getServletContextRequest(request).getServletContextResponse();
            // The servlet layer keeps Content-Length in step with the output but re-renders a Content-Type it
            // recognises (case, spacing, charset), so that one goes to the server's own list.
            HttpFields.Mutable servletHeaders = servletResponse.getHeaders();
            HttpFields.Mutable serverHeaders = servletResponse.getWrapped().getHeaders();
            Set<String> seen = new HashSet<>();
            for (HttpField field : fields) {
                HttpFields.Mutable headers = field.getHeader() == HttpHeader.CONTENT_TYPE ? serverHeaders : servletHeaders;
                // put, for the first line of a name: the server's own Date cannot be removed, only overwritten.
                if (seen.add(field.getLowerCaseName())) {
                    headers.put(field);
                } else {
                    headers.add(field);
                }
            }
        }

        @Override
        void resetOnClose(HttpServletRequest request) {
            resetOnClose(ServletContextRequest.getServletContextRequest(request).getConnectionMetaData().getConnection()
                .getEndPoint());
        }
    }
}
