package org.mozilla.relengapi.proxy.controlplane;

import java.math.BigInteger;
import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which forward proxy, if any, an outbound call goes through: Go's {@code http.ProxyFromEnvironment} rules, so
 * that the proxy behaves in a locked-down network as the Go original did.
 *
 * <ul>
 *   <li>{@code https://} targets use {@code HTTPS_PROXY}, else {@code https_proxy}; {@code http://} targets
 *       {@code HTTP_PROXY}, else {@code http_proxy} (an empty variable counts as unset). A value without a scheme
 *       means {@code http://}.</li>
 *   <li>{@code localhost} and loopback addresses are never proxied.</li>
 *   <li>{@code NO_PROXY} (else {@code no_proxy}): comma-separated; {@code *} (nothing is proxied); an IP or a CIDR;
 *       a host name, which also matches its subdomains, with or without a leading {@code .} or {@code *.} (a
 *       leading dot matches only subdomains); each may end in {@code :port}, then only that port matches.</li>
 * </ul>
 *
 * <p>Pure: no look-up, no I/O. Messages about a bad value never repeat credentials.
 */
public final class EgressProxies {
    public static final EgressProxies NONE = new EgressProxies(null, null, List.of(), false, "none");

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private final ForwardProxy httpProxy;
    private final ForwardProxy httpsProxy;
    private final List<Exclusion> exclusions;
    private final boolean excludeAll;
    private final String source;

    private EgressProxies(ForwardProxy httpProxy, ForwardProxy httpsProxy, List<Exclusion> exclusions,
                          boolean excludeAll, String source) {
        this.httpProxy = httpProxy;
        this.httpsProxy = httpsProxy;
        this.exclusions = List.copyOf(exclusions);
        this.excludeAll = excludeAll;
        this.source = source;
    }

    /** From {@code HTTPS_PROXY}, {@code HTTP_PROXY}, {@code NO_PROXY} and their lower-case forms. */
    public static EgressProxies fromEnvironment(Map<String, String> environment) {
        ForwardProxy http = proxyVariable(environment, "HTTP_PROXY");
        ForwardProxy https = proxyVariable(environment, "HTTPS_PROXY");
        return withExclusions(http, https, environment, "the environment");
    }

    /**
     * One proxy for both schemes ({@code --egress-proxy}), instead of {@code HTTP(S)_PROXY}; {@code NO_PROXY} and
     * the loopback rule still apply.
     */
    public static EgressProxies override(String url, Map<String, String> environment) {
        ForwardProxy proxy = ForwardProxy.parse("--egress-proxy", url);
        return withExclusions(proxy, proxy, environment, "--egress-proxy");
    }

    private static EgressProxies withExclusions(ForwardProxy http, ForwardProxy https, Map<String, String> environment,
                                                String source) {
        List<Exclusion> exclusions = new ArrayList<>();
        boolean all = false;
        for (String entry : variable(environment, "NO_PROXY").split(",")) {
            String item = entry.strip().toLowerCase(Locale.ROOT);
            if (item.equals("*")) {
                all = true;
            } else if (!item.isEmpty()) {
                Exclusion.parse(item).ifPresent(exclusions::add);
            }
        }
        return new EgressProxies(http, https, exclusions, all, source);
    }

    private static ForwardProxy proxyVariable(Map<String, String> environment, String upperCaseName) {
        String value = environment.get(upperCaseName);
        String name = upperCaseName;
        if (value == null || value.isEmpty()) {
            name = upperCaseName.toLowerCase(Locale.ROOT);
            value = environment.get(name);
        }
        return value == null || value.isEmpty() ? null : ForwardProxy.parse(name, value);
    }

    private static String variable(Map<String, String> environment, String upperCaseName) {
        String value = environment.get(upperCaseName);
        if (value == null || value.isEmpty()) {
            value = environment.get(upperCaseName.toLowerCase(Locale.ROOT));
        }
        return value == null ? "" : value;
    }

    /** The proxy for a call to {@code target}, or empty to connect directly. */
    public Optional<ForwardProxy> proxyFor(URI target) {
        return target.getScheme() == null || target.getHost() == null ? Optional.empty()
            : proxyFor(target.getScheme(), target.getHost(), target.getPort());
    }

    /** The proxy for a call to {@code scheme://host:port} ({@code port} -1 for the scheme's default), or empty. */
    public Optional<ForwardProxy> proxyFor(String targetScheme, String host, int targetPort) {
        String scheme = targetScheme.toLowerCase(Locale.ROOT);
        ForwardProxy proxy = scheme.equals("https") ? httpsProxy : scheme.equals("http") ? httpProxy : null;
        if (proxy == null) {
            return Optional.empty();
        }
        int port = targetPort >= 0 ? targetPort : scheme.equals("https") ? 443 : 80;
        return useProxy(host, port) ? Optional.of(proxy) : Optional.empty();
    }

    private boolean useProxy(String rawHost, int port) {
        String host = rawHost.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.equals("localhost")) {
            return false;
        }
        byte[] ip = ipLiteral(host);
        if (ip != null && isLoopback(ip)) {
            return false;
        }
        if (excludeAll) {
            return false;
        }
        for (Exclusion exclusion : exclusions) {
            if (exclusion.matches(host, ip, port)) {
                return false;
            }
        }
        return true;
    }

    /** Whether any call can go through a proxy. */
    public boolean isEmpty() {
        return httpProxy == null && httpsProxy == null;
    }

    /** For the start-up log: the proxies and where they came from, without credentials. */
    public String describe() {
        if (isEmpty()) {
            return "none";
        }
        return "http: " + (httpProxy == null ? "direct" : httpProxy) + ", https: "
            + (httpsProxy == null ? "direct" : httpsProxy) + " (from " + source + ")"
            + (excludeAll ? "; NO_PROXY=* sends every call direct" : exclusions.isEmpty() ? "" : "; " + exclusions.size()
            + " NO_PROXY exclusion(s)");
    }

    /** Every proxy in use, each once. */
    public List<ForwardProxy> proxies() {
        List<ForwardProxy> all = new ArrayList<>();
        if (httpProxy != null) {
            all.add(httpProxy);
        }
        if (httpsProxy != null && !httpsProxy.equals(httpProxy)) {
            all.add(httpsProxy);
        }
        return all;
    }

    /** Parses an IPv4 or IPv6 literal without any name look-up; null for a host name. */
    static byte[] ipLiteral(String text) {
        // A text InetAddress would not take for a literal would make it look the name up.
        if (text.isEmpty() || !IP_LITERAL.matcher(text).matches()
            || Character.digit(text.charAt(0), 16) < 0 && text.charAt(0) != ':') {
            return null;
        }
        if (!text.contains(":") && !text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isLoopback(byte[] ip) {
        if (ip.length == 4) {
            return ip[0] == 127;
        }
        for (int i = 0; i < 15; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return ip[15] == 1;
    }

    /**
     * A forward proxy: host, port and, when the URL carried them, the credentials sent as {@code
     * Proxy-Authorization: Basic}. Renders as {@code http://host:port}, never with the credentials.
     */
    public record ForwardProxy(String host, int port, Optional<String> user, Optional<Secret> password) {

        static ForwardProxy parse(String name, String value) {
            String text = value.strip();
            URI uri;
            try {
                uri = new URI(text.contains("://") ? text : "http://" + text);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(name + ": not a proxy URL (expected http://host:port)");
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http")) {
                throw new IllegalArgumentException(name + ": " + scheme + ":// proxies are not supported, only http://");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException(name + ": not a proxy URL (expected http://host:port)");
            }
            Optional<String> user = Optional.empty();
            Optional<Secret> password = Optional.empty();
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null && !userInfo.isEmpty()) {
                int colon = userInfo.indexOf(':');
                String rawUser = colon < 0 ? userInfo : userInfo.substring(0, colon);
                String rawPassword = colon < 0 ? "" : userInfo.substring(colon + 1);
                user = Optional.of(percentDecode(rawUser));
                String decoded = percentDecode(rawPassword);
                password = decoded.isEmpty() ? Optional.empty() : Optional.of(new Secret(decoded));
            }
            String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
            return new ForwardProxy(host, uri.getPort() >= 0 ? uri.getPort() : 80, user, password);
        }

        /** Undoes %XX only: a '+' in a URL's user information is a plus, not the space of a form's encoding. */
        private static String percentDecode(String raw) {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        }

        /** {@code Basic base64(user:password)}, when the URL carried credentials. */
        public Optional<String> basicAuthorization() {
            return user.map(u -> "Basic " + Base64.getEncoder().encodeToString(
                (u + ":" + password.map(Secret::reveal).orElse("")).getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public String toString() {
            return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** One NO_PROXY entry other than {@code *}. */
    private record Exclusion(byte[] ip, BigInteger network, int prefixLength, String domain, boolean matchesBareDomain,
                             int port) {

        static Optional<Exclusion> parse(String item) {
            int slash = item.indexOf('/');
            if (slash > 0) {
                byte[] network = ipLiteral(item.substring(0, slash));
                try {
                    int bits = Integer.parseInt(item.substring(slash + 1));
                    if (network != null && bits >= 0 && bits <= network.length * 8) {
                        return Optional.of(new Exclusion(network, new BigInteger(1, network), bits, null, false, -1));
                    }
                } catch (NumberFormatException e) {
                    // Not a CIDR: Go ignores it too.
                }
                return Optional.empty();
            }
            String host = item;
            int port = -1;
            int colon = item.lastIndexOf(':');
            boolean bracketed = item.startsWith("[");
            if (bracketed || colon > 0 && item.indexOf(':') == colon) {
                int close = item.indexOf(']');
                int portColon = bracketed ? (close > 0 && item.length() > close + 1 && item.charAt(close + 1) == ':' ? close + 1 : -1) : colon;
                host = bracketed ? item.substring(1, close < 0 ? item.length() : close) : item.substring(0, colon);
                if (portColon > 0) {
                    try {
                        port = Integer.parseInt(item.substring(portColon + 1));
                    } catch (NumberFormatException e) {
                        return Optional.empty();
                    }
                }
            }
            if (host.isEmpty()) {
                return Optional.empty();
            }
            byte[] ip = ipLiteral(host);
            if (ip != null) {
                return Optional.of(new Exclusion(ip, null, -1, null, false, port));
            }
            if (host.startsWith("*.")) {
                host = host.substring(1);
            }
            boolean bare = !host.startsWith(".");
            String name = bare ? host : host.substring(1);
            try {
                name = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                // Not a valid internationalised name: compared as written, as Go does.
            }
            return Optional.of(new Exclusion(null, null, -1, "." + name, bare, port));
        }

        boolean matches(String host, byte[] hostIp, int hostPort) {
            if (network != null) {
                return hostIp != null && hostIp.length == ip.length && sameNetwork(hostIp);
            }
            boolean hostMatches;
            if (ip != null) {
                hostMatches = hostIp != null && Arrays.equals(ip, hostIp);
            } else {
                hostMatches = hostIp == null && (host.endsWith(domain) || matchesBareDomain && host.equals(domain.substring(1)));
            }
            return hostMatches && (port < 0 || port == hostPort);
        }

        private boolean sameNetwork(byte[] hostIp) {
            int shift = ip.length * 8 - prefixLength;
            return new BigInteger(1, hostIp).shiftRight(shift).equals(network.shiftRight(shift));
        }
    }
}
