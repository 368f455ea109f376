package org.mozilla.relengapi.proxy.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.mozilla.relengapi.proxy.controlplane.EgressProxies;
import org.mozilla.relengapi.proxy.controlplane.Secret;
import org.mozilla.relengapi.proxy.logging.LogFormat;

/** A validated configuration, from the command line (or, in a servlet container, from the context). */
public record ProxyConfig(String taskId, IssuingToken issuingToken, URI rootUrl, URI tokensUrl, List<Route> routes,
                          Optional<URI> catchAll, Duration tokenLifetime, Duration idleTimeout, Optional<Path> caFile,
                          EgressProxies egress, String bind, int port, LogFormat logFormat) {

    public ProxyConfig {
        routes = List.copyOf(routes);
    }

    /**
     * Requests under {@code /prefix} go to {@code upstream}, whose path (if any) is the base the rest of the request
     * path is appended to. A prefix is one path segment, not a dot-segment, not starting with the {@code __} of the
     * proxy's own paths; the catch-all route's is empty.
     */
    public record Route(String prefix, URI upstream) {
        public Route {
            if (prefix.startsWith("__")) {
                throw new IllegalArgumentException("prefixes starting with __ are reserved for the proxy");
            }
            if (!prefix.isEmpty() && (!prefix.matches("[A-Za-z0-9._~-]+") || prefix.matches("\\.\\.?"))) {
                throw new IllegalArgumentException(
                    "a prefix is one path segment of letters, digits, '.', '_', '~' or '-'");
            }
            upstream = withoutTrailingSlashes(upstream);
        }
    }

    /** A base URL to append paths to: {@code https://host/base/} and {@code https://host/base} are the same base. */
    public static URI withoutTrailingSlashes(URI url) {
        return URI.create(url.toString().replaceAll("/+$", ""));
    }

    /** Where the issuing token comes from. A file is read for every issuance: the token rotates without a restart. */
    public interface IssuingToken {

        Secret read() throws IOException;

        static IssuingToken of(Secret token) {
            return () -> token;
        }

        /** A failure says what is wrong, not the path: someone who confused the options would see their token. */
        static IssuingToken fromFile(Path file) {
            return () -> {
                String content;
                try {
                    content = Files.readString(file).strip();
                } catch (NoSuchFileException e) {
                    throw new IOException("no such file");
                } catch (AccessDeniedException e) {
                    throw new IOException("permission denied");
                } catch (IOException e) {
                    throw new IOException(Files.isDirectory(file) ? "is a directory" : "cannot read it");
                }
                if (content.isEmpty()) {
                    throw new IOException("file is empty");
                }
                return new Secret(content);
            };
        }
    }
}
