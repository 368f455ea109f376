package org.mozilla.relengapi.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mozilla.relengapi.proxy.cli.CommandLine;
import org.mozilla.relengapi.proxy.testsupport.ServletContainer;

/** The README shows what the code does: the context files the WAR tests deploy, every option, variable and limit --help lists. */
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
    void documentsEveryEnvironmentVariableOfTheUsage() throws IOException {
        String readme = readme();
        String usage = CommandLine.usage();
        String environment = usage.substring(usage.indexOf("Environment:"), usage.indexOf("Limits a client can hit"));
        List<String> variables = environment.lines().skip(1)
            .map(line -> line.strip().split("\\s{2,}")[0])
            .filter(names -> !names.isEmpty() && !names.startsWith("localhost"))
            .flatMap(names -> Arrays.stream(names.split(",\\s*")))
            .toList();
        assertEquals(List.of("TASKCLUSTER_ROOT_URL", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY",
            "no_proxy", "relengapi-proxy.args"), variables);
        variables.forEach(variable -> assertTrue(readme.contains("`" + variable + "`"), "README lacks " + variable));
    }

    @Test
    void statesTheLimitsAClientCanHitAsTheUsageDoes() throws IOException {
        String readme = readme();
        String usage = CommandLine.usage();
        for (String limit : List.of("8 KiB", "414", "431", "10 s", "120 s")) {
            assertTrue(usage.contains(limit), "--help lacks " + limit);
            assertTrue(readme.contains(limit), "README lacks " + limit);
        }
    }

    @Test
    void documentsEveryOptionOfTheUsage() throws IOException {
        String readme = readme();
        // Option names are the usage's lines indented by four spaces; descriptions are indented further.
        CommandLine.usage().lines()
            .filter(line -> line.matches(" {4}-\\S.*"))
            .map(String::strip)
            .flatMap(line -> Arrays.stream(line.split(",\\s*")))
            .forEach(option -> assertTrue(readme.contains("`" + option), "README lacks " + option));
    }
}
