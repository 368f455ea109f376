package org.mozilla.relengapi.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mozilla.relengapi.proxy.testsupport.ProxyProcess;

/**
 * What the Dockerfile runs, outside Docker (no engine here): scripts/make-runtime.sh builds the jlink runtime and
 * the AppCDS archive for the built jar and ends with one request proxied through the trimmed runtime.
 */
class RuntimeImageIT {

    @Test
    void trimmedRuntimeWithCdsProxiesARequest(@TempDir Path out) throws Exception {
        ProxyProcess script = ProxyProcess.startCommand(List.of("bash", Path.of("scripts/make-runtime.sh").toAbsolutePath().toString(),
            ProxyProcess.jar().toString(), out.toString()), Path.of("").toAbsolutePath());
        int status = script.waitFor(Duration.ofMinutes(4));
        assertEquals(0, status, script.stdout() + script.stderr());
        assertTrue(script.stdout().contains("proxied request through the trimmed runtime with CDS: HTTP/1.1 200 OK"),
            script.stdout());
        assertTrue(Files.isExecutable(out.resolve("runtime/bin/java")));
        assertTrue(Files.size(out.resolve("app.jsa")) > 0);
        JsonObject version = JsonParser.parseString(Files.readString(out.resolve("version.json"))).getAsJsonObject();
        assertEquals(Set.of("source", "version", "commit", "build"), version.keySet());
        assertFalse(version.get("version").getAsString().isEmpty());
        assertTrue(version.get("source").getAsString().startsWith("https://github.com/"), version.toString());
    }
}
