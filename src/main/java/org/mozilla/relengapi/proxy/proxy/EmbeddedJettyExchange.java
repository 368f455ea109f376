package org.mozilla.relengapi.proxy.proxy;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.ee10.servlet.ServletContextResponse;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The client's exchange in the proxy's own embedded Jetty, through the server's own objects: header lines exactly
 * as parsed and generated, and the client's socket. Only loaded where Jetty's server classes are visible (see
 * {@link ClientExchange#forContainer()}): the WAR does not carry them, and a standalone Jetty hides its own from
 * web applications.
 */
final class EmbeddedJettyExchange implements ClientExchange {
    @Override
    public HttpFields requestFields(HttpServletRequest request) {
        return ServletContextRequest.getServletContextRequest(request).getHeaders();
    }

    @Override
    public void setResponseFields(HttpServletRequest request, HttpServletResponse response, List<HttpField> fields) {
        ServletContextResponse servletResponse = ServletContextRequest.getServletContextRequest(request).getServletContextResponse();
        // The servlet layer's view of the headers keeps Content-Length in step with the output; but it re-renders a
        // Content-Type it recognises (case, spacing, charset), so that one goes to the server's list directly.
        HttpFields.Mutable servletHeaders = servletResponse.getHeaders();
        HttpFields.Mutable serverHeaders = servletResponse.getWrapped().getHeaders();
        Set<String> seen = new HashSet<>();
        for (HttpField field : fields) {
            HttpFields.Mutable headers = field.getHeader() == HttpHeader.CONTENT_TYPE ? serverHeaders : servletHeaders;
            // The first line of a name replaces the server's own (its Date cannot be removed, only overwritten).
            if (seen.add(field.getLowerCaseName())) {
                headers.put(field);
            } else {
                headers.add(field);
            }
        }
    }

    @Override
    public void resetOnClose(HttpServletRequest request) {
        AbortiveClose.arm(ServletContextRequest.getServletContextRequest(request).getConnectionMetaData().getConnection()
            .getEndPoint());
    }
}
