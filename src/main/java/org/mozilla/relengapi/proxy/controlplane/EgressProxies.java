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
 * The forward proxy, if any, of an outbound call, by Go's {@code http.ProxyFromEnvironment} rules so that a locked-down
 * network sees what the Go original did: {@code HTTPS_PROXY} or {@code HTTP_PROXY} by scheme (upper case first, empty
 * is unset); never for localhost or loopback; {@code NO_PROXY}: {@code *}, IPs, CIDRs, names with their subdomains
 * (only subdomains after {@code .} or {@code *.}), each with an optional {@code :port}; unreadable entries are
 * ignored. No look-up, no I/O; messages about a bad value never repeat credentials.
 */
public record EgressProxies(Optional<ForwardProxy> http, Optional<ForwardProxy> https, List<String> noProxy,
                            String source) {
    public static final EgressProxies NONE = new EgressProxies(Optional.empty(), Optional.empty(), List.of(), "none");

    /** Only what InetAddress takes for a literal: any other text would make it look the name up. */
    private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-f]*:[0-9a-f:.]*");
    /** {@code [ipv6]} or {@code [ipv6]:port}, or {@code host:port} with a single colon. */
    private static final Pattern HOST_PORT = Pattern.compile("\\[([^]]*)](?::(.*))?|([^:]*):([^:]*)");

    public static EgressProxies fromEnvironment(Map<String, String> environment) {
        return new EgressProxies(proxyVariable(environment, "HTTP_PROXY"), proxyVariable(environment, "HTTPS_PROXY"),
            noProxy(environment), "the environment");
    }

    /** {@code --egress-proxy}: one proxy for both schemes; NO_PROXY and the loopback rule still apply. */
    public static EgressProxies override(String url, Map<String, String> environment) {
        Optional<ForwardProxy> proxy = Optional.of(ForwardProxy.parse("--egress-proxy", url));
        return new EgressProxies(proxy, proxy, noProxy(environment), "--egress-proxy");
    }

    private static String variable(Map<String, String> environment, String upperCase) {
        return environment.getOrDefault(upperCase, "").isEmpty() ? upperCase.toLowerCase(Locale.ROOT) : upperCase;
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

    public Optional<ForwardProxy> proxyFor(URI target) {
        return target.getScheme() == null || target.getHost() == null ? Optional.empty()
            : proxyFor(target.getScheme(), target.getHost(), target.getPort());
    }

    /** {@code port} -1 means the scheme's default. */
    public Optional<ForwardProxy> proxyFor(String scheme, String host, int port) {
        boolean secure = scheme.equalsIgnoreCase("https");
        Optional<ForwardProxy> proxy = secure ? https : scheme.equalsIgnoreCase("http") ? http : Optional.empty();
        String name = unbracketed(host.toLowerCase(Locale.ROOT));
        InetAddress ip = ipLiteral(name);
        int targetPort = port >= 0 ? port : secure ? 443 : 80;
        return proxy.filter(any -> !name.equals("localhost") && !(ip != null && ip.isLoopbackAddress())
            && noProxy.stream().noneMatch(entry -> entry.equals("*") || excludes(entry, name, ip, targetPort)));
    }

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

    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Null for a host name, which is never looked up. */
    private static InetAddress ipLiteral(String text) {
        try {
            return IP_LITERAL.matcher(text).matches() ? InetAddress.getByName(text) : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    public boolean isEmpty() {
        return http.isEmpty() && https.isEmpty();
    }

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

    /** Renders as {@code http://host:port}, never with the credentials its URL may carry. */
    public record ForwardProxy(String host, int port, Optional<String> user, Optional<Secret> password) {

        static ForwardProxy parse(String name, String value) {
            String text = value.strip();
            URI uri = null;
            try {
                uri = new URI(text.contains("://") ? text : "http://" + text);
            } catch (URISyntaxException e) {
                // Reported below without the value, which may hold credentials.
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
