package org.mozilla.relengapi.proxy.proxy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A request's path and query, checked and put in one canonical form. The proxy forwards this form, never the raw
 * target: the raw path could be normalised differently by the container, the HTTP client and the upstream, and a
 * dot-segment or an encoded separator could then lead a request, with the token, outside its route's base path.
 * So such paths are refused (400) instead of guessed at. The query is forwarded as sent, except that characters a
 * URI may not hold raw are percent-encoded; a malformed percent-escape is refused.
 */
public final class RequestTarget {
    private final List<String> segments;
    private final String query;

    private RequestTarget(List<String> segments, String query) {
        this.segments = List.copyOf(segments);
        this.query = query;
    }

    /**
     * Parses a raw (still percent-encoded) absolute path and query (null when there is none).
     *
     * @throws InvalidPathException with a short reason, for targets that are refused
     */
    public static RequestTarget parse(String rawPath, String rawQuery) throws InvalidPathException {
        if (rawPath == null || !rawPath.startsWith("/")) {
            throw new InvalidPathException("the path must start with /");
        }
        String[] raw = rawPath.substring(1).split("/", -1);
        List<String> segments = new ArrayList<>(raw.length);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i].isEmpty() && i < raw.length - 1) {
                throw new InvalidPathException("empty path segment (//)");
            }
            segments.add(canonical(decode(raw[i])));
        }
        return new RequestTarget(segments, rawQuery == null ? null : canonicalQuery(rawQuery));
    }

    /** The canonical query, without the {@code ?}, or null when the request had none. */
    public String query() {
        return query;
    }

    /** The canonical segments; the last is empty for a path that ends with {@code /}. */
    public List<String> segments() {
        return segments;
    }

    /** The canonical path from segment {@code from} on, starting with {@code /}, or empty if nothing is left. */
    public String rest(int from) {
        if (from >= segments.size()) {
            return "";
        }
        return "/" + String.join("/", segments.subList(from, segments.size()));
    }

    private static byte[] decode(String segment) throws InvalidPathException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    throw new InvalidPathException("malformed percent-encoding");
                }
                int high = Character.digit(segment.charAt(i + 1), 16);
                int low = Character.digit(segment.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new InvalidPathException("malformed percent-encoding");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else if (c == ';') {
                throw new InvalidPathException("path parameters (;) are not accepted; encode ';' as %3B");
            } else if (c == '\\') {
                throw new InvalidPathException("backslash in path");
            } else if (c > 0x7e || c < 0x21) {
                throw new InvalidPathException("unencoded character in path");
            } else {
                bytes.write(c);
            }
        }
        byte[] decoded = bytes.toByteArray();
        for (byte b : decoded) {
            if (b == '/' || b == '\\') {
                throw new InvalidPathException("encoded / or \\ in path");
            }
            if (b == 0) {
                throw new InvalidPathException("encoded NUL in path");
            }
        }
        if (isDotSegment(decoded)) {
            throw new InvalidPathException("dot-segment (. or ..) in path");
        }
        return decoded;
    }

    private static boolean isDotSegment(byte[] segment) {
        return (segment.length == 1 && segment[0] == '.') || (segment.length == 2 && segment[0] == '.' && segment[1] == '.');
    }

    private static String canonicalQuery(String raw) throws InvalidPathException {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0 || Character.digit(raw.charAt(i + 2), 16) < 0) {
                    throw new InvalidPathException("malformed percent-encoding in query");
                }
                out.append(raw, i, i + 3);
                i += 2;
            } else if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                for (byte b : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
                }
            }
        }
        return out.toString();
    }

    /** Unreserved characters and the sub-delimiters that mean nothing special in a path stay as they are. */
    private static String canonical(byte[] segment) {
        StringBuilder out = new StringBuilder(segment.length);
        for (byte b : segment) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,=:@".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
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
