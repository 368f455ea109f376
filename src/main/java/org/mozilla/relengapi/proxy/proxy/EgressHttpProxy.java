package org.mozilla.relengapi.proxy.proxy;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpProxy;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.BasicAuthentication;
import org.eclipse.jetty.http.HttpHeader;
import org.mozilla.relengapi.proxy.controlplane.EgressProxies;
import org.mozilla.relengapi.proxy.controlplane.Secret;

/**
 * One forward proxy of {@link EgressProxies} for Jetty's client: it takes the upstream requests that the rules
 * send its way (CONNECT for https, absolute-form for http), with {@code Proxy-Authorization} when its URL carries
 * credentials.
 */
final class EgressHttpProxy extends HttpProxy {
    private final EgressProxies rules;
    private final EgressProxies.ForwardProxy proxy;

    private EgressHttpProxy(EgressProxies rules, EgressProxies.ForwardProxy proxy) {
        super(new Origin.Address(proxy.host(), proxy.port()), false);
        this.rules = rules;
        this.proxy = proxy;
    }

    /** Routes {@code client}'s requests through the proxies {@code rules} name. */
    static void configure(HttpClient client, EgressProxies rules) {
        for (EgressProxies.ForwardProxy proxy : rules.proxies()) {
            EgressHttpProxy jettyProxy = new EgressHttpProxy(rules, proxy);
            client.getProxyConfiguration().addProxy(jettyProxy);
            // Preemptive: Jetty applies a result stored for the proxy's URI to absolute-form requests through it
            // and to the CONNECT requests it sends it.
            proxy.user().ifPresent(user -> client.getAuthenticationStore().addAuthenticationResult(
                new BasicAuthentication.BasicResult(jettyProxy.getURI(), HttpHeader.PROXY_AUTHORIZATION, user,
                    proxy.password().map(Secret::reveal).orElse(""))));
        }
    }

    @Override
    public boolean matches(Origin origin) {
        Origin.Address address = origin.getAddress();
        return rules.proxyFor(origin.getScheme(), address.getHost(), address.getPort())
            .filter(proxy::equals).isPresent();
    }
}
