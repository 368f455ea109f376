package org.mozilla.relengapi.proxy.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of streams, and a deterministic byte pattern that can be produced and checked without storing it. */
public final class Digests {

    private Digests() {
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Byte {@code i} of the pattern: not periodic at any buffer size a proxy would use. */
    public static byte patternByte(long i) {
        long x = i * 0x9E3779B97F4A7C15L;
        return (byte) (x >>> 56 ^ i);
    }

    public static void fillPattern(byte[] buffer, long offset, int length) {
        for (int i = 0; i < length; i++) {
            buffer[i] = patternByte(offset + i);
        }
    }

    public static String patternSha256(long length) {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[64 * 1024];
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(buffer.length, length - done);
            fillPattern(buffer, done, n);
            sha.update(buffer, 0, n);
            done += n;
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Reads a stream to its end; returns its SHA-256 and length. */
    public static Digest of(InputStream in) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[64 * 1024];
        long length = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            sha.update(buffer, 0, n);
            length += n;
        }
        return new Digest(HexFormat.of().formatHex(sha.digest()), length);
    }

    public record Digest(String sha256, long length) {
    }

    /** Reads {@code body} to its end and checks that it is exactly the first {@code length} bytes of the pattern. */
    public static void assertPatternBody(InputStream body, long length) throws IOException {
        try (body) {
            Digest digest = of(body);
            assertEquals(length, digest.length(), "body length");
            assertEquals(patternSha256(length), digest.sha256(), "body content");
        }
    }

    /** GETs {@code uri} (an echo's {@code /bytes/N}, through the proxy) and checks a 200 with the exact pattern. */
    public static void assertDownloadsPattern(HttpClient client, URI uri, long length) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertPatternBody(response.body(), length);
    }
}
