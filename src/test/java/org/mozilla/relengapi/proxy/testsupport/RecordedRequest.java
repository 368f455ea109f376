package org.mozilla.relengapi.proxy.testsupport;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a fake server received. Bodies are digested as they stream in; only the first {@value #KEPT} bytes are
 * kept, so a multi-MB upload costs no memory. {@code remotePort} tells which connection brought the request,
 * {@code localPort} which server received it.
 */
public record RecordedRequest(String method, String rawPath, String query, Map<String, List<String>> headers,
                              long bodyLength, String bodySha256, byte[] bodyStart, int remotePort,
                              int localPort) {
    static final int KEPT = 64 * 1024;

    static RecordedRequest read(HttpServletRequest request) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), Collections.list(request.getHeaders(name)));
        }
        MessageDigest sha = Digests.sha256();
        byte[] kept = new byte[KEPT];
        int keptLength = 0;
        long length = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = request.getInputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                int copy = Math.min(n, KEPT - keptLength);
                System.arraycopy(buffer, 0, kept, keptLength, copy);
                keptLength += copy;
                length += n;
            }
        }
        byte[] start = new byte[keptLength];
        System.arraycopy(kept, 0, start, 0, keptLength);
        return new RecordedRequest(request.getMethod(), request.getRequestURI(), request.getQueryString(), headers,
            length, HexFormat.of().formatHex(sha.digest()), start, request.getRemotePort(),
            request.getLocalPort());
    }

    /** The first value of a header (name in any case), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public List<String> headerValues(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), new ArrayList<>());
    }

    public String body() {
        return new String(bodyStart, StandardCharsets.UTF_8);
    }
}
