package org.mozilla.relengapi.proxy.testsupport;

import java.util.List;
import java.util.Random;

/**
 * A deterministic generator of malformed and hostile HTTP/1.x requests: broken request lines, hostile paths, bad
 * versions, duplicated and contradictory framing headers, bad header names and values, odd line endings, stray bodies.
 */
public final class MalformedRequests {
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "PATCH");
    private static final List<String> HOSTILE_METHODS = List.of("TRACE", "CONNECT", "get", "G\u0000T", "", "GET GET",
        "PRI", "\u00ff\u00fe", "X".repeat(300));
    private static final List<String> ROUTES = List.of("tooltool", "mapper", "treestatus", "elsewhere", "__heartbeat__");
    private static final List<String> SAFE_SEGMENTS = List.of("sha512", "abc", "a%20b", "%25", "x.tar.gz", "caf%C3%A9", "");
    private static final List<String> SEGMENTS = List.of("tooltool", "mapper", "treestatus", "__heartbeat__", "..", ".",
        "%2e%2e", "%2E.", "%2f", "%2F", "%5c", "\\", "%", "%zz", "%4", "%00", ";", "..;", "a;b=c", "", "a", "sha512",
        "%25", "%252e", "caf\u00e9", "\u0000", " ", "\t", "*", "?", "?x=1", "#frag", "x".repeat(5000), "%c0%ae");
    private static final List<String> VERSIONS = List.of("HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0",
        "HTTP/0.9", "HTTP/1.1x", "HTTP/9.9", "http/1.1", "", "HTTP/1.1 extra");
    private static final List<String> EOLS = List.of("\r\n", "\r\n", "\r\n", "\r\n", "\n", "\r", "\r\r\n");
    private static final List<String> HEADERS = List.of(
        "Host: relengapi", "Host: relengapi", "Host:", "Host: a, b", "Host: evil.invalid:443",
        "Content-Length: 0", "Content-Length: 5", "Content-Length: -1", "Content-Length: 99999999999999999999",
        "Content-Length: abc", "Content-Length: 5, 6", "Content-Length : 5",
        "Transfer-Encoding: chunked", "Transfer-Encoding: gzip, chunked", "Transfer-Encoding: chunked, identity",
        "Transfer-Encoding: xchunked", "Transfer-Encoding:\tchunked",
        "Connection: close", "Connection: keep-alive", "Connection: authorization", "Connection: upgrade, http2-settings",
        "Upgrade: h2c", "Expect: 100-continue", "Expect: nonsense",
        "Authorization: Bearer client", "Proxy-Authorization: Basic eDp5",
        "X-Forwarded-For: 1.2.3.4", "Forwarded: for=evil", "X-Big: " + "b".repeat(20000),
        "Bad Header: x", "Bad\u0000Name: x", ": empty-name", "No-Colon", "X-Ctl: a\u0001b", "X-Obs: a",
        " folded-continuation", "X-Utf8: \u00e9\u00e8", "Cookie: " + "c=1; ".repeat(100));

    private final Random random;

    public MalformedRequests(long seed) {
        random = new Random(seed);
    }

    public byte[] next() {
        String eol = random.nextInt(10) == 0 ? pick(EOLS) : "\r\n";
        StringBuilder request = new StringBuilder();
        String method = random.nextInt(5) == 0 ? pick(HOSTILE_METHODS) : pick(METHODS);
        String version = random.nextInt(4) == 0 ? pick(VERSIONS) : "HTTP/1.1";
        request.append(method).append(' ').append(target()).append(' ').append(version).append(eol);
        if (random.nextInt(8) != 0) {
            request.append("Host: relengapi").append(eol);
        }
        int headers = random.nextInt(3) == 0 ? random.nextInt(7) : 0;
        for (int i = 0; i < headers; i++) {
            request.append(pick(HEADERS)).append(random.nextInt(10) == 0 ? pick(EOLS) : eol);
        }
        if (random.nextInt(4) != 0) {
            request.append("Connection: close").append(eol);
        }
        request.append(eol);
        if (random.nextInt(3) == 0) {
            request.append(body());
        }
        char[] chars = request.toString().toCharArray();
        byte[] bytes = new byte[chars.length];
        for (int i = 0; i < chars.length; i++) {
            bytes[i] = (byte) chars[i];
        }
        if (random.nextInt(50) == 0 && bytes.length > 0) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private String target() {
        return switch (random.nextInt(10)) {
            case 0 -> "http://" + pick(List.of("evil.invalid", "127.0.0.1:1", "relengapi", "")) + path();
            case 1 -> pick(List.of("*", "", "evil.invalid:443", "relengapi"));
            case 2, 3, 4 -> path();
            default -> safePath();
        };
    }

    private String safePath() {
        StringBuilder path = new StringBuilder("/").append(pick(ROUTES));
        int segments = random.nextInt(4);
        for (int i = 0; i < segments; i++) {
            path.append('/').append(pick(SAFE_SEGMENTS));
        }
        if (random.nextInt(3) == 0) {
            path.append("?q=").append(pick(SAFE_SEGMENTS));
        }
        return path.toString();
    }

    private String path() {
        StringBuilder path = new StringBuilder();
        int segments = 1 + random.nextInt(5);
        for (int i = 0; i < segments; i++) {
            path.append('/').append(pick(SEGMENTS));
        }
        return path.toString();
    }

    private String body() {
        return switch (random.nextInt(4)) {
            case 0 -> "hello";
            case 1 -> "5\r\nhello\r\n0\r\n\r\n";
            case 2 -> "zz\r\nnot-chunked\r\n";
            default -> "GET /mapper/smuggled HTTP/1.1\r\nHost: relengapi\r\n\r\n";
        };
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }
}
