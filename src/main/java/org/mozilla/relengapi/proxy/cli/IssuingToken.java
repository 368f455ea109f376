package org.mozilla.relengapi.proxy.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mozilla.relengapi.proxy.controlplane.Secret;

/**
 * Where the permanent issuing token comes from. A file is read again for every issuance, so an operator can
 * rotate the token without restarting the proxy.
 */
public interface IssuingToken {

    Secret read() throws IOException;

    static IssuingToken of(Secret token) {
        return () -> token;
    }

    static IssuingToken fromFile(Path file) {
        return () -> {
            String content = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (content.isEmpty()) {
                throw new IOException("token file " + file + " is empty");
            }
            return new Secret(content);
        };
    }
}
