package org.mozilla.relengapi.proxy.proxy;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The headers of one message that belong to its connection, not to the message (RFC 9110 §7.6.1), and are never
 * forwarded: {@code Connection}, {@code Keep-Alive}, {@code Proxy-*}, {@code TE}, {@code Trailer} (and the common
 * misspelling {@code Trailers}), {@code Transfer-Encoding}, {@code Upgrade}, and every header the message's own
 * {@code Connection} header names.
 */
final class HopByHopHeaders {
    private static final Set<String> ALWAYS =
        Set.of("connection", "keep-alive", "te", "trailer", "trailers", "transfer-encoding", "upgrade");

    private final Set<String> namedInConnection;

    private HopByHopHeaders(Set<String> namedInConnection) {
        this.namedInConnection = namedInConnection;
    }

    /** For a message with these header (or trailer) lines: its {@code Connection} lines name the extra ones. */
    static HopByHopHeaders of(HttpFields fields) {
        Set<String> named = new HashSet<>();
        for (String value : fields.getValuesList(HttpHeader.CONNECTION)) {
            for (String token : value.split(",")) {
                named.add(token.trim().toLowerCase(Locale.ROOT));
            }
        }
        return new HopByHopHeaders(named);
    }

    boolean contains(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return ALWAYS.contains(lower) || lower.startsWith("proxy-") || namedInConnection.contains(lower);
    }
}
