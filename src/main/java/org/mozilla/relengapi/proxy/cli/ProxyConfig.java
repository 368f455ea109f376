package org.mozilla.relengapi.proxy.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.mozilla.relengapi.proxy.controlplane.EgressProxies;
import org.mozilla.relengapi.proxy.logging.LogFormat;

/** A validated configuration, from the command line (or, in a servlet container, from the context). */
public record ProxyConfig(String taskId, IssuingToken issuingToken, URI rootUrl, URI tokensUrl, List<Route> routes,
                          Optional<URI> catchAll, Duration tokenLifetime, Duration idleTimeout, Optional<Path> caFile,
                          EgressProxies egress, String bind, int port, LogFormat logFormat) {

    public ProxyConfig {
        routes = List.copyOf(routes);
    }
}
