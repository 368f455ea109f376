package org.mozilla.relengapi.proxy.controlplane;

import java.math.BigInteger;
import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which forward proxy, if any, an outbound call goes through: Go's {@code http.ProxyFromEnvironment} rules, so
 * that the proxy behaves in a locked-down network as the Go original did. {@code HTTPS_PROXY} or {@code HTTP_PROXY}
 * by the target's scheme (upper case first, empty counts as unset; no scheme means {@code http://}); never for
 * {@code localhost} or loopback; {@code NO_PROXY}: {@code *}, IPs, CIDRs, host names with their subdomains (only
 * subdomains after a leading {@code .} or {@code *.}), each with an optional {@code :port}; an entry Go cannot read
 * is ignored. Pure: no look-up, no I/O. Messages about a bad value never repeat credentials.
 */
public record EgressProxies(Optional<ForwardProxy> http, Optional<ForwardProxy> https, List<String> noProxy,
                            String source) {
    public static final EgressProxies NONE = new EgressProxies(Optional.empty(), Optional.empty(), List.of(), "none");

    /** Only what InetAddress takes for a literal: any other text would make it look the name up. */
    private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-f]*:[0-9a-f:.]*");
    /** {@code [ipv6]} or {@code [ipv6]:port}, or {@code host:port} with a single colon. */
    private static final Pattern HOST_PORT = Pattern.compile("\\[([^]]*)](?::(.*))?|([^:]*):([^:]*)");

    /** From {@code HTTPS_PROXY}, {@code HTTP_PROXY}, {@code NO_PROXY} and their lower-case forms. */
    public static EgressProxies fromEnvironment(Map<String, String> environment) {
        return new EgressProxies(proxyVariable(environment, "HTTP_PROXY"), proxyVariable(environment, "HTTPS_PROXY"),
            noProxy(environment), "the environment");
    }

    /** One proxy for both schemes ({@code --egress-proxy}); {@code NO_PROXY} and the loopback rule still apply. */
    public static EgressProxies override(String url, Map<String, String> environment) {
        Optional<ForwardProxy> proxy = Optional.of(ForwardProxy.parse("--egress-proxy", url));
        return new EgressProxies(proxy, proxy, noProxy(environment), "--egress-proxy");
    }

    /** The upper-case name unless that variable is unset or empty, then the lower-case one. */
    private static String variable(Map<String, String> environment, String upperCase) {
        String value = environment.get(upperCase);
        return value == null || value.isEmpty() ? upperCase.toLowerCase(Locale.ROOT) : upperCase;
    }

    private static Optional<ForwardProxy> proxyVariable(Map<String, String> environment, String upperCase) {
        String name = variable(environment, upperCase);
        return Optional.ofNullable(environment.get(name)).filter(value -> !value.isEmpty())
            .map(value -> ForwardProxy.parse(name, value));
    }

    private static List<String> noProxy(Map<String, String> environment) {
        return Stream.of(environment.getOrDefault(variable(environment, "NO_PROXY"), "").split(","))
            .map(entry -> entry.strip().toLowerCase(Locale.ROOT)).filter(entry -> !entry.isEmpty()).toList();
    }

    /** The proxy for a call to {@code target}, or empty to connect directly. */
    public Optional<ForwardProxy> proxyFor(URI target) {
        return target.getScheme() == null || target.getHost() == null ? Optional.empty()
            : proxyFor(target.getScheme(), target.getHost(), target.getPort());
    }

    /** The proxy for a call to {@code scheme://host:port} ({@code port} -1 for the scheme's default), or empty. */
    public Optional<ForwardProxy> proxyFor(String scheme, String host, int port) {
        boolean secure = scheme.equalsIgnoreCase("https");
        Optional<ForwardProxy> proxy = secure ? https : scheme.equalsIgnoreCase("http") ? http : Optional.empty();
        String name = unbracketed(host.toLowerCase(Locale.ROOT));
        return proxy.filter(any -> !isDirect(name, port >= 0 ? port : secure ? 443 : 80));
    }

    private boolean isDirect(String host, int port) {
        InetAddress ip = ipLiteral(host);
        return host.equals("localhost") || ip != null && ip.isLoopbackAddress()
            || noProxy.stream().anyMatch(entry -> entry.equals("*") || excludes(entry, host, ip, port));
    }

    /** Whether one NO_PROXY entry other than {@code *} sends {@code host:port} (an IP if {@code ip}) direct. */
    private static boolean excludes(String entry, String host, InetAddress ip, int port) {
        try {
            int slash = entry.indexOf('/');
            if (slash > 0) {
                InetAddress network = ipLiteral(entry.substring(0, slash));
                int bits = Integer.parseInt(entry.substring(slash + 1));
                if (network == null || ip == null || ip.getAddress().length != network.getAddress().length
                    || bits < 0 || bits > network.getAddress().length * 8) {
                    return false;
                }
                int shift = network.getAddress().length * 8 - bits;
                return new BigInteger(1, ip.getAddress()).shiftRight(shift)
                    .equals(new BigInteger(1, network.getAddress()).shiftRight(shift));
            }
            Matcher parts = HOST_PORT.matcher(entry);
            boolean split = parts.matches();
            String name = !split ? entry : parts.group(1) != null ? parts.group(1) : parts.group(3);
            String entryPort = !split ? null : parts.group(2) != null ? parts.group(2) : parts.group(4);
            if (name.isEmpty() || entryPort != null && Integer.parseInt(entryPort) != port) {
                return false;
            }
            InetAddress entryIp = ipLiteral(name);
            if (entryIp != null) {
                return entryIp.equals(ip);
            }
            boolean subdomainsOnly = name.startsWith(".") || name.startsWith("*.");
            String domain = ascii(name.substring(name.startsWith("*.") ? 2 : subdomainsOnly ? 1 : 0));
            return ip == null && (host.endsWith("." + domain) || !subdomainsOnly && host.equals(domain));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** An internationalised name in its ASCII form; as written if it is not a valid one, as Go does. */
    private static String ascii(String name) {
        try {
            return IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return name;
        }
    }

    /** An IPv6 literal without its URL brackets. */
    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Parses an IPv4 or IPv6 literal without any name look-up; null for a host name. */
    private static InetAddress ipLiteral(String text) {
        try {
            return IP_LITERAL.matcher(text).matches() ? InetAddress.getByName(text) : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether any call can go through a proxy. */
    public boolean isEmpty() {
        return http.isEmpty() && https.isEmpty();
    }

    /** Every proxy in use, each once. */
    public List<ForwardProxy> proxies() {
        return Stream.of(http, https).flatMap(Optional::stream).distinct().toList();
    }

    /** For the start-up log: the proxies and where they came from, without credentials. */
    public String describe() {
        if (isEmpty()) {
            return "none";
        }
        String exclusions = noProxy.contains("*") ? "; NO_PROXY=* sends every call direct"
            : noProxy.isEmpty() ? "" : "; " + noProxy.size() + " NO_PROXY exclusion(s)";
        return "http: " + http.map(Object::toString).orElse("direct") + ", https: "
            + https.map(Object::toString).orElse("direct") + " (from " + source + ")" + exclusions;
    }

    /**
     * A forward proxy: host, port and, when the URL carried them, the credentials sent as {@code
     * Proxy-Authorization: Basic}. Renders as {@code http://host:port}, never with the credentials.
     */
    public record ForwardProxy(String host, int port, Optional<String> user, Optional<Secret> password) {

        static ForwardProxy parse(String name, String value) {
            String text = value.strip();
            URI uri = null;
            try {
                uri = new URI(text.contains("://") ? text : "http://" + text);
            } catch (URISyntaxException e) {
                // Reported below, without the value: it may hold credentials.
            }
            if (uri != null && !uri.getScheme().equalsIgnoreCase("http")) {
                throw new IllegalArgumentException(name + ": " + uri.getScheme().toLowerCase(Locale.ROOT)
                    + ":// proxies are not supported, only http://");
            }
            if (uri == null || uri.getHost() == null) {
                throw new IllegalArgumentException(name + ": not a proxy URL (expected http://host:port)");
            }
            String userInfo = Objects.requireNonNullElse(uri.getRawUserInfo(), "");
            int colon = userInfo.indexOf(':');
            Optional<String> user = Optional.of(userInfo).filter(info -> !info.isEmpty())
                .map(info -> percentDecode(colon < 0 ? info : info.substring(0, colon)));
            String password = colon < 0 ? "" : percentDecode(userInfo.substring(colon + 1));
            return new ForwardProxy(unbracketed(uri.getHost()), uri.getPort() >= 0 ? uri.getPort() : 80, user,
                Optional.of(password).filter(decoded -> !decoded.isEmpty()).map(Secret::new));
        }

        /** Undoes %XX only: a '+' in a URL's user information is a plus, not the space of a form's encoding. */
        private static String percentDecode(String raw) {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
