package org.mozilla.relengapi.proxy.proxy;

import jakarta.servlet.ServletException;
import org.eclipse.jetty.client.HttpClient;

/**
 * The one Jetty {@link HttpClient} that every route's servlet forwards through, so that all routes share one
 * connection pool, one selector and one executor: routes to the same upstream reuse each other's keep-alive
 * connections, and the default three routes cost one client, not three.
 *
 * <p>The first servlet to start creates it, with Jetty's own configuration of a proxy client (its init-params,
 * the same for every route); the context's listener stops it when the context is destroyed.
 */
public final class SharedUpstreamClient {
    private HttpClient client;

    /** How a servlet creates the client: {@code ProxyServlet}'s {@code createHttpClient}. */
    @FunctionalInterface
    interface Factory {
        HttpClient create() throws ServletException;
    }

    synchronized HttpClient getOrCreate(Factory factory) throws ServletException {
        if (client == null) {
            client = factory.create();
        }
        return client;
    }

    public synchronized void stop() throws Exception {
        if (client != null) {
            client.stop();
            client = null;
        }
    }
}
