package org.mozilla.relengapi.proxy.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.mozilla.relengapi.proxy.controlplane.Secret;

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
                content = Files.readString(file, StandardCharsets.UTF_8).strip();
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
