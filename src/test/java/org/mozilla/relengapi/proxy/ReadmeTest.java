package org.mozilla.relengapi.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mozilla.relengapi.proxy.cli.CommandLine;
import org.mozilla.relengapi.proxy.testsupport.ServletContainer;

/** The README shows what the code does: the context files the WAR tests deploy, and every option --help lists. */
class ReadmeTest {
    private static final String EXAMPLE_ARGS =
        "--relengapi-token-file /etc/relengapi/issuing.token --root-url https://tc.example.com -- fN1DGhGrQ9qSgPfLw6iPbA";

    private static String readme() throws IOException {
        return Files.readString(Path.of("README.md"));
    }

    @Test
    void showsTheTomcatContextFileTheTestsDeploy() throws IOException {
        assertTrue(readme().contains(ServletContainer.contextFile("tomcat-context.xml", "relengapi", EXAMPLE_ARGS)));
    }

    @Test
    void showsTheJettyContextFileTheTestsDeploy() throws IOException {
        assertTrue(readme().contains(ServletContainer.contextFile("jetty-context.xml", "relengapi", EXAMPLE_ARGS)));
    }

    @Test
    void showsTheSynopsisOfTheUsage() throws IOException {
        String readme = readme();
        CommandLine.usage().lines()
            .takeWhile(line -> !line.isBlank())
            .map(line -> line.replaceFirst("^(Usage:)?\\s+", ""))
            .forEach(synopsis -> assertTrue(readme.lines().anyMatch(line -> line.equals(synopsis)),
                "README lacks the synopsis line " + synopsis));
    }

    @Test
    void documentsEveryOptionOfTheUsage() throws IOException {
        String readme = readme();
        // Option names are the usage's lines indented by four spaces; descriptions are indented further.
        CommandLine.usage().lines()
            .filter(line -> line.matches(" {4}-\\S.*"))
            .map(String::strip)
            .flatMap(line -> java.util.Arrays.stream(line.split(",\\s*")))
            .forEach(option -> assertTrue(readme.contains("`" + option), "README lacks " + option));
    }
}
