package org.mozilla.relengapi.proxy.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Go's http.ProxyFromEnvironment rules, as a table: environment and target in, proxy (or direct) out. */
class EgressProxiesTest {
    private static final String P = "http://proxy.example:3128";

    private static String decide(Map<String, String> environment, String target) {
        return EgressProxies.fromEnvironment(environment).proxyFor(URI.create(target))
            .map(EgressProxies.ForwardProxy::toString).orElse("direct");
    }

    @ParameterizedTest(name = "NO_PROXY={0}: {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "''                     | https://tooltool.example/x     | " + P,
        "tooltool.example       | https://tooltool.example/x     | direct",
        "tooltool.example       | https://a.tooltool.example/x   | direct",
        "tooltool.example       | https://xtooltool.example/x    | " + P,
        ".tooltool.example      | https://a.tooltool.example/x   | direct",
        ".tooltool.example      | https://tooltool.example/x     | " + P,
        "*.tooltool.example     | https://a.tooltool.example/x   | direct",
        "*.tooltool.example     | https://tooltool.example/x     | " + P,
        "TOOLTOOL.Example       | https://Tooltool.EXAMPLE/x     | direct",
        "tooltool.example:443   | https://tooltool.example/x     | direct",
        "tooltool.example:8443  | https://tooltool.example/x     | " + P,
        "tooltool.example:8443  | https://tooltool.example:8443/ | direct",
        "10.1.2.3               | http://10.1.2.3:8080/          | direct",
        "10.1.2.3:80            | http://10.1.2.3:8080/          | " + P,
        "10.0.0.0/8             | https://10.200.3.4/            | direct",
        "10.0.0.0/8             | https://11.0.0.1/              | " + P,
        "10.0.0.0/8             | https://ten.example/           | " + P,
        "fd00::/8               | https://[fd00::5]/             | direct",
        "[2001:db8::1]:443      | https://[2001:db8::1]/         | direct",
        "2001:db8::1            | https://[2001:db8::2]/         | " + P,
        "*                      | https://anything.example/      | direct",
        "' a.example , b.example ' | https://b.example/          | direct",
        "a.example,,            | https://c.example/             | " + P,
    })
    void noProxyFollowsGo(String noProxy, String target, String expected) {
        assertEquals(expected, decide(Map.of("HTTPS_PROXY", P, "HTTP_PROXY", P, "NO_PROXY", noProxy), target));
    }

    @ParameterizedTest(name = "{0} is never proxied")
    @CsvSource({"http://localhost:8080/", "https://LOCALHOST/", "http://127.0.0.1:1/", "http://127.9.9.9/",
        "https://[::1]:443/", "http://[::ffff:127.0.0.1]/"})
    void localhostAndLoopbackAreNeverProxied(String target) {
        assertEquals("direct", decide(Map.of("HTTPS_PROXY", P, "HTTP_PROXY", P), target));
    }

    @Test
    void eachSchemeUsesItsOwnVariable() {
        Map<String, String> environment = Map.of("HTTPS_PROXY", "http://secure:1", "HTTP_PROXY", "http://plain:2");
        assertEquals("http://secure:1", decide(environment, "https://queue.example/"));
        assertEquals("http://plain:2", decide(environment, "http://queue.example/"));
        assertEquals("direct", decide(Map.of("HTTP_PROXY", "http://plain:2"), "https://queue.example/"));
        assertEquals("direct", decide(Map.of("HTTPS_PROXY", "http://secure:1"), "http://queue.example/"));
    }

    @Test
    void upperCaseComesBeforeLowerCaseAndEmptyCountsAsUnset() {
        assertEquals("http://upper:1", decide(Map.of("HTTPS_PROXY", "http://upper:1", "https_proxy", "http://lower:2"),
            "https://q.example/"));
        assertEquals("http://lower:2", decide(Map.of("HTTPS_PROXY", "", "https_proxy", "http://lower:2"), "https://q.example/"));
        assertEquals("direct", decide(Map.of("HTTPS_PROXY", P, "no_proxy", "q.example"), "https://q.example/"));
        assertEquals(P, decide(Map.of("HTTPS_PROXY", P, "NO_PROXY", "other.example", "no_proxy", "q.example"),
            "https://q.example/"));
    }

    @Test
    void aProxyWithoutSchemeOrPortIsHttpOnPort80() {
        assertEquals("http://proxy.example:80", decide(Map.of("HTTPS_PROXY", "proxy.example"), "https://q.example/"));
        assertEquals("http://proxy.example:3128", decide(Map.of("HTTPS_PROXY", "proxy.example:3128"), "https://q.example/"));
    }

    @Test
    void theOverrideReplacesBothVariablesAndKeepsNoProxy() {
        EgressProxies proxies = EgressProxies.override("http://override:9", Map.of("HTTPS_PROXY", P, "NO_PROXY", "d.example"));
        assertEquals(Optional.of("http://override:9"), proxies.proxyFor(URI.create("https://q.example/")).map(Object::toString));
        assertEquals(Optional.of("http://override:9"), proxies.proxyFor(URI.create("http://q.example/")).map(Object::toString));
        assertTrue(proxies.proxyFor(URI.create("https://d.example/")).isEmpty());
    }

    @Test
    void aPlusInTheCredentialsIsAPlusNotASpace() {
        EgressProxies proxies = EgressProxies.fromEnvironment(Map.of("HTTP_PROXY", "http://alice:pa+ss@proxy.example:3128"));
        EgressProxies.ForwardProxy proxy = proxies.proxyFor(URI.create("http://q.example/")).orElseThrow();
        assertEquals(Optional.of("alice"), proxy.user());
        assertEquals(Optional.of("pa+ss"), proxy.password().map(Secret::reveal));
    }

    @Test
    void credentialsAreDecodedForBasicAuthorizationAndNeverRendered() {
        EgressProxies proxies = EgressProxies.fromEnvironment(Map.of("HTTPS_PROXY", "http://us%40er:s3cr%3At@proxy.example:3128"));
        EgressProxies.ForwardProxy proxy = proxies.proxyFor(URI.create("https://q.example/")).orElseThrow();
        assertEquals(Optional.of("us@er"), proxy.user());
        assertEquals(Optional.of("s3cr:t"), proxy.password().map(Secret::reveal));
        assertFalse(proxy.toString().contains("s3cr"), proxy.toString());
        assertFalse(proxies.describe().contains("s3cr"), proxies.describe());
        assertFalse(proxies.describe().contains("us"), proxies.describe());
    }

    @Test
    void unsupportedOrMalformedProxiesAreRefusedWithoutEchoingCredentials() {
        IllegalArgumentException socks = assertThrows(IllegalArgumentException.class,
            () -> EgressProxies.fromEnvironment(Map.of("https_proxy", "socks5://user:hunter2@proxy:1080")));
        assertEquals("https_proxy: socks5:// proxies are not supported, only http://", socks.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
            () -> EgressProxies.override("http://user:hunter2@bad host:1", Map.of()));
        assertFalse(bad.getMessage().contains("hunter2"), bad.getMessage());
    }

    @Test
    void noVariablesMeanDirect() {
        assertTrue(EgressProxies.fromEnvironment(Map.of("NO_PROXY", "x")).isEmpty());
        assertEquals("none", EgressProxies.fromEnvironment(Map.of()).describe());
    }
}
