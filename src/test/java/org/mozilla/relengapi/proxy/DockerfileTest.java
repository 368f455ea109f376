package org.mozilla.relengapi.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so the Dockerfile itself cannot be built in CI; these checks keep it in step with
 * scripts/make-runtime.sh (which RuntimeImageIT runs) and with Dockerflow's conventions.
 */
class DockerfileTest {

    private static String dockerfile() throws IOException {
        return Files.readString(Path.of("Dockerfile"));
    }

    private static String entrypoint() throws IOException {
        Matcher m = Pattern.compile("ENTRYPOINT \\[(.*?)]", Pattern.DOTALL).matcher(dockerfile());
        assertTrue(m.find(), "an ENTRYPOINT in exec form");
        return m.group(1).replaceAll(" *\\\\\\n\\s*", " ");
    }

    @Test
    void theAotCacheIsMadeWithTheJvmFlagsAndJarPathTheImageRunsWith() throws IOException {
        String script = Files.readString(Path.of("scripts/make-runtime.sh"));
        assertTrue(script.contains("java_flags=(\"@$(cd \"$(dirname \"$0\")\" && pwd)/jvm.options\")"), "the script uses jvm.options");
        assertTrue(dockerfile().contains("COPY scripts/make-runtime.sh scripts/jvm.options /tmp/\n"), "beside the script");
        assertTrue(dockerfile().contains("COPY scripts/jvm.options /app/jvm.options\n"));
        assertTrue(entrypoint().startsWith("\"/opt/relengapi-proxy/runtime/bin/java\", \"@/app/jvm.options\","), entrypoint());
        assertTrue(dockerfile().contains("RUN bash /tmp/make-runtime.sh /app/relengapi-proxy.jar /opt/relengapi-proxy"));
        assertTrue(entrypoint().contains("\"-jar\", \"/app/relengapi-proxy.jar\""));
        assertTrue(dockerfile().contains("COPY --from=runtime /opt/relengapi-proxy/app.aot /opt/relengapi-proxy/app.aot\n"));
        assertTrue(entrypoint().contains("\"@/app/jvm.options\", \"-XX:AOTCache=/opt/relengapi-proxy/app.aot\", "
            + "\"-jar\", \"/app/relengapi-proxy.jar\""), entrypoint());
    }

    @Test
    void buildsWithJava25AndTrainsTheAotCacheForTheJarItRuns() throws IOException {
        assertTrue(dockerfile().contains("\nFROM maven:3.9-eclipse-temurin-25 AS build\n"));
        assertTrue(dockerfile().contains("\nFROM eclipse-temurin:25-jdk AS runtime\n"));
        assertTrue(dockerfile().contains("COPY --from=build /src/target/relengapi-proxy.jar /app/relengapi-proxy.jar\n"));
        assertTrue(Files.readString(Path.of("scripts/make-runtime.sh")).contains("-XX:AOTCacheOutput=\"$out/app.aot\""));
    }

    @Test
    void jvmOptionsHoldOnlyFlagsAndComments() throws IOException {
        for (String line : Files.readAllLines(Path.of("scripts/jvm.options"))) {
            assertTrue(line.startsWith("#") || line.matches("-[^ ]+"), "one flag per line: " + line);
        }
    }

    @Test
    void followsDockerflow() throws IOException {
        String dockerfile = dockerfile();
        assertTrue(dockerfile.contains("--uid 10001") && dockerfile.contains("USER 10001"), "runs as app, uid 10001");
        assertTrue(dockerfile.contains("\nEXPOSE 80\n"));
        assertTrue(entrypoint().endsWith("\"--port\", \"80\""), entrypoint());
        assertTrue(dockerfile.contains("\nCMD ["));
        assertTrue(dockerfile.contains("/app/version.json"));
    }

    @Test
    void copiesWhatTheBuildNeeds() throws IOException {
        for (String path : new String[] {"pom.xml", "src", "webapp", "scripts/make-runtime.sh"}) {
            assertTrue(dockerfile().contains("COPY " + path + " ") || dockerfile().contains("COPY " + path + "\n"), path);
            assertTrue(Files.exists(Path.of(path)), path);
        }
        assertEquals(-1, Files.readString(Path.of(".dockerignore")).indexOf("scripts"), "scripts/ reaches the build");
    }
}
