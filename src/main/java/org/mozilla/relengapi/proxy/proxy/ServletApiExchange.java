package org.mozilla.relengapi.proxy.proxy;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * The client's exchange through the servlet API alone (the WAR): request headers come grouped by name, and the
 * container may rewrite some response values on their way out (Tomcat and Jetty re-render {@code Content-Type}).
 */
final class ServletApiExchange implements ClientExchange {
    @Override
    public HttpFields requestFields(HttpServletRequest request) {
        HttpFields.Mutable fields = HttpFields.build();
        for (String name : Collections.list(request.getHeaderNames())) {
            for (String value : Collections.list(request.getHeaders(name))) {
                fields.add(name, value);
            }
        }
        return fields;
    }

    @Override
    public void setResponseFields(HttpServletRequest request, HttpServletResponse response, List<HttpField> fields) {
        Set<String> seen = new HashSet<>();
        for (HttpField field : fields) {
            // The first line of a name replaces what the container set under it; the next ones are added.
            if (seen.add(field.getLowerCaseName())) {
                response.setHeader(field.getName(), field.getValue());
            } else {
                response.addHeader(field.getName(), field.getValue());
            }
        }
    }

    @Override
    public void resetOnClose(HttpServletRequest request) {
        // The servlet API has no way to reset a connection: the container closes it its own way.
    }
}
