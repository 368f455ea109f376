package org.mozilla.relengapi.proxy.controlplane;

import java.io.IOException;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/** {@link EgressProxies} for the JDK's HTTP client (the queue and the token service). */
public final class EgressProxySelector extends ProxySelector {
    private final EgressProxies proxies;

    public EgressProxySelector(EgressProxies proxies) {
        this.proxies = proxies;
    }

    @Override
    public List<Proxy> select(URI target) {
        return proxies.proxyFor(target)
            // Unresolved: the forward proxy resolves the target's name, and its own name is resolved on connect.
            .map(proxy -> List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(proxy.host(), proxy.port()))))
            .orElse(List.of(Proxy.NO_PROXY));
    }

    @Override
    public void connectFailed(URI target, SocketAddress proxy, IOException failure) {
        // The call fails with this error and its caller retries or reports it; there is no other proxy to try.
    }

    /**
     * Answers a forward proxy's 407 with the credentials of its URL. The JDK refuses Basic inside CONNECT tunnels
     * unless {@code jdk.http.auth.tunneling.disabledSchemes} allows it (README, "Egress proxies").
     */
    public Optional<Authenticator> authenticator() {
        if (proxies.proxies().stream().noneMatch(proxy -> proxy.user().isPresent())) {
            return Optional.empty();
        }
        return Optional.of(new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                if (getRequestorType() != RequestorType.PROXY) {
                    return null;
                }
                for (EgressProxies.ForwardProxy proxy : proxies.proxies()) {
                    if (proxy.user().isPresent() && proxy.host().equalsIgnoreCase(getRequestingHost())
                        && proxy.port() == getRequestingPort()) {
                        return new PasswordAuthentication(proxy.user().get(),
                            proxy.password().map(Secret::reveal).orElse("").toCharArray());
                    }
                }
                return null;
            }
        });
    }
}
