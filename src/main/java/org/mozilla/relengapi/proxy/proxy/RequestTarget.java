package org.mozilla.relengapi.proxy.proxy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * A request's path and query, checked. The path is forwarded exactly as the client encoded it: a percent-encoded
 * reserved character does not mean the literal one (RFC 3986 §2.2), and a percent-encoded byte need not be UTF-8.
 * What the container, the HTTP client or the upstream could normalise or split differently is refused (400)
 * instead of guessed at, because a dot-segment or an encoded separator could then lead a request, with the token,
 * outside its route's base path. The query is forwarded as sent, except that characters a URI may not hold raw are
 * percent-encoded; a malformed percent-escape is refused.
 */
public final class RequestTarget {
    /** RFC 3986 pchar less {@code ;} (refused) and {@code %} (checked as an escape): what a segment may hold raw. */
    private static final String PATH_PUNCTUATION = "-._~!$&'()*+,=:@";
    /** RFC 3986 query: a path's characters, and {@code ;}, {@code /} and {@code ?}. */
    private static final String QUERY_PUNCTUATION = PATH_PUNCTUATION + ";/?";
    /** What Jetty's parser makes of bytes that are not UTF-8: the original bytes are lost, so nothing can be forwarded. */
    private static final char REPLACEMENT = '\uFFFD';
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final List<String> segments;
    private final String query;

    private RequestTarget(List<String> segments, String query) {
        this.segments = segments;
        this.query = query;
    }

    /** Parses a raw (still percent-encoded) absolute path and query (null when there is none), or says why not. */
    public static RequestTarget parse(String rawPath, String rawQuery) throws InvalidPathException {
        if (rawPath == null || !rawPath.startsWith("/")) {
            throw new InvalidPathException("the path must start with /");
        }
        List<String> segments = List.of(rawPath.substring(1).split("/", -1));
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i).isEmpty() && i < segments.size() - 1) {
                throw new InvalidPathException("empty path segment (//)");
            }
            check(segments.get(i));
        }
        return new RequestTarget(segments, rawQuery == null ? null : canonicalQuery(rawQuery));
    }

    /** The query to forward, without the {@code ?}, or null when the request had none. */
    public String query() {
        return query;
    }

    /** The path from segment {@code from} on as the client encoded it, starting with {@code /}; empty if none is left. */
    public String rest(int from) {
        return from >= segments.size() ? "" : "/" + String.join("/", segments.subList(from, segments.size()));
    }

    private static void check(String segment) throws InvalidPathException {
        int decodedLength = 0;
        boolean onlyDots = true;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            int decoded = c;
            if (c == '%') {
                decoded = escapedByte(segment, i);
                i += 2;
                if (decoded == '/' || decoded == '\\') {
                    throw new InvalidPathException("encoded / or \\ in path");
                }
                if (decoded == 0) {
                    throw new InvalidPathException("encoded NUL in path");
                }
            } else if (c == ';') {
                throw new InvalidPathException("path parameters (;) are not accepted; encode ';' as %3B");
            } else if (c == '\\') {
                throw new InvalidPathException("backslash in path");
            } else if (!isAllowedRaw(c, PATH_PUNCTUATION)) {
                throw new InvalidPathException("character not allowed unencoded in a path; percent-encode it");
            }
            decodedLength++;
            onlyDots &= decoded == '.';
        }
        if (onlyDots && (decodedLength == 1 || decodedLength == 2)) {
            throw new InvalidPathException("dot-segment (. or ..) in path");
        }
    }

    private static int escapedByte(String text, int at) throws InvalidPathException {
        int high = at + 1 < text.length() ? hexDigit(text.charAt(at + 1)) : -1;
        int low = at + 2 < text.length() ? hexDigit(text.charAt(at + 2)) : -1;
        if (high < 0 || low < 0) {
            throw new InvalidPathException("malformed percent-encoding");
        }
        return high * 16 + low;
    }

    /** Character.digit alone would also take non-ASCII digits such as U+0662 for a hex digit. */
    private static int hexDigit(char c) {
        return c < 0x80 ? Character.digit(c, 16) : -1;
    }

    private static boolean isAllowedRaw(char c, String punctuation) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || punctuation.indexOf(c) >= 0;
    }

    private static String canonicalQuery(String raw) throws InvalidPathException {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                escapedByte(raw, i);
                out.append(raw, i, i + 3);
                i += 2;
            } else if (isAllowedRaw(c, QUERY_PUNCTUATION)) {
                out.append(c);
            } else if (c == REPLACEMENT) {
                throw new InvalidPathException("raw bytes that are not UTF-8 in the query; percent-encode them");
            } else {
                int codePoint = raw.codePointAt(i);
                for (byte b : Character.toString(codePoint).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(HEX.toHexDigits(b));
                }
                i += Character.charCount(codePoint) - 1;
            }
        }
        return out.toString();
    }

    /** A path the proxy refuses to forward. */
    public static final class InvalidPathException extends Exception {
        public InvalidPathException(String reason) {
            super(reason, null, false, false);
        }
    }
}
