package org.mozilla.relengapi.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dockerfile passes a linter (scripts/lint-dockerfile.sh: dockerfilelint from the npm registry). The only
 * test that reaches outside the machine; skipped where the script cannot install the linter.
 */
class DockerfileLintIT {

    private record Lint(int status, String output) {
    }

    private static Lint lint(Path dockerfile) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", "scripts/lint-dockerfile.sh", dockerfile.toAbsolutePath().toString())
            .redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the linter did not finish");
        assumeFalse(output.startsWith("lint-dockerfile: skipped"), output);
        return new Lint(process.exitValue(), output);
    }

    @Test
    void theDockerfileHasNoFindings() throws Exception {
        Lint lint = lint(Path.of("Dockerfile"));
        assertEquals(0, lint.status(), lint.output());
    }

    @Test
    void theLinterReportsAFlawedDockerfile(@TempDir Path dir) throws Exception {
        Path flawed = dir.resolve("Dockerfile");
        Files.writeString(flawed, "FROM debian\nEXPOSE 99999\n");
        Lint lint = lint(flawed);
        assertNotEquals(0, lint.status(), lint.output());
        assertTrue(lint.output().contains("Invalid Port Exposed"), lint.output());
    }
}
