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
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mozilla.relengapi.proxy.testsupport.Java25;
import org.mozilla.relengapi.proxy.testsupport.ProxyProcess;

/**
 * What the Dockerfile runs, outside Docker (no engine here): scripts/make-runtime.sh builds the jlink'd Java 25
 * runtime and the AOT cache, trained over a production-like run, for the built jar, and ends with one request
 * proxied through the trimmed runtime using that cache.
 */
class RuntimeImageIT {

    @Test
    void trimmedRuntimeWithTheAotCacheProxiesARequest(@TempDir Path out) throws Exception {
        ProxyProcess script = ProxyProcess.startCommand(List.of("bash", Path.of("scripts/make-runtime.sh").toAbsolutePath().toString(),
            ProxyProcess.jar().toString(), out.toString()), Path.of("").toAbsolutePath(),
            Map.of("JAVA_HOME", Java25.home().toString()));
        int status = script.waitFor(Duration.ofMinutes(4));
        assertEquals(0, status, script.stdout() + script.stderr());
        assertTrue(script.stdout().contains(
            "proxied request through the trimmed runtime with the AOT cache: HTTP/1.1 200 OK, Bearer token injected"),
            script.stdout());
        assertTrue(Files.isExecutable(out.resolve("runtime/bin/java")));
        assertEquals(Java25.releaseVersion(Java25.home()).orElseThrow(), Java25.releaseVersion(out.resolve("runtime")).orElseThrow(),
            "jlink'd from the JDK 25");
        assertTrue(Files.size(out.resolve("app.aot")) > 0);
        JsonObject version = JsonParser.parseString(Files.readString(out.resolve("version.json"))).getAsJsonObject();
        assertEquals(Set.of("source", "version", "commit", "build"), version.keySet());
        assertFalse(version.get("version").getAsString().isEmpty());
        assertTrue(version.get("source").getAsString().startsWith("https://github.com/"), version.toString());
    }
}
