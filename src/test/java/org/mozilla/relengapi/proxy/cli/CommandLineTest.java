package org.mozilla.relengapi.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mozilla.relengapi.proxy.cli.ProxyConfig.Route;
import org.mozilla.relengapi.proxy.logging.LogFormat;
import org.mozilla.relengapi.proxy.testsupport.TaskIds;

class CommandLineTest {
    private static final String TOKEN = "issuing-secret-1234567890";

    @TempDir
    Path dir;

    private static CommandLine.Outcome parse(String... args) {
        return CommandLine.parse(List.of(args), Map.of());
    }

    private static ProxyConfig run(String... args) {
        CommandLine.Outcome outcome = parse(args);
        if (outcome instanceof CommandLine.Invalid invalid) {
            throw new AssertionError("unexpected error: " + invalid.message());
        }
        return assertInstanceOf(CommandLine.Run.class, outcome).config();
    }

    private static String error(String... args) {
        String message = assertInstanceOf(CommandLine.Invalid.class, parse(args)).message();
        assertFalse(message.contains("\n"), "one line: " + message);
        assertFalse(message.contains(TOKEN), "no token in: " + message);
        return message;
    }

    @Test
    void defaultsMatchTheContract() throws IOException {
        ProxyConfig config = run("--relengapi-token", TOKEN, "--", TaskIds.TASK);
        assertEquals(TaskIds.TASK, config.taskId());
        assertEquals(TOKEN, config.issuingToken().read().reveal());
        assertEquals(8080, config.port());
        assertEquals("0.0.0.0", config.bind());
        assertEquals(URI.create("https://taskcluster.net"), config.rootUrl());
        assertEquals(URI.create("https://tokens.mozilla-releng.net/tokens"), config.tokensUrl());
        assertEquals(List.of(
            new Route("tooltool", URI.create("https://tooltool.mozilla-releng.net")),
            new Route("treestatus", URI.create("https://treestatus.mozilla-releng.net")),
            new Route("mapper", URI.create("https://mapper.mozilla-releng.net"))), config.routes());
        assertEquals(Optional.empty(), config.catchAll());
        assertEquals(Duration.ofMinutes(10), config.tokenLifetime());
        assertEquals(Duration.ofSeconds(120), config.idleTimeout());
        assertEquals(Optional.empty(), config.caFile());
    }

    @Test
    void everyOptionAcceptsBothSpaceAndEqualsForms() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not checked here");
        List<String> options = List.of("--port", "0", "--bind", "127.0.0.1", "--relengapi-token", TOKEN,
            "--root-url", "https://tc.example", "--tokens-url", "http://tokens.example/tokens",
            "--route", "a=http://a.example/base/", "--relengapi-host", "relengapi.example",
            "--token-lifetime", "1h", "--idle-timeout", "30s", "--ca-file", ca.toString());
        List<String> spaced = new ArrayList<>(options);
        List<String> equalsForm = new ArrayList<>();
        for (int i = 0; i < options.size(); i += 2) {
            equalsForm.add(options.get(i) + "=" + options.get(i + 1));
        }
        for (List<String> args : List.of(spaced, equalsForm)) {
            List<String> full = new ArrayList<>(args);
            full.addAll(List.of("--", TaskIds.TASK));
            ProxyConfig config = run(full.toArray(String[]::new));
            assertEquals(0, config.port());
            assertEquals("127.0.0.1", config.bind());
            assertEquals(TOKEN, config.issuingToken().read().reveal());
            assertEquals(URI.create("https://tc.example"), config.rootUrl());
            assertEquals(URI.create("http://tokens.example/tokens"), config.tokensUrl());
            assertEquals(List.of(new Route("a", URI.create("http://a.example/base"))), config.routes());
            assertEquals(Optional.of(URI.create("https://relengapi.example")), config.catchAll());
            assertEquals(Duration.ofHours(1), config.tokenLifetime());
            assertEquals(Duration.ofSeconds(30), config.idleTimeout());
            assertEquals(Optional.of(ca), config.caFile());
        }
    }

    @Test
    void shortPortOptionWorks() {
        assertEquals(9000, run("-p", "9000", "--relengapi-token", TOKEN, "--", TaskIds.TASK).port());
    }

    @Test
    void taskIdMayStartWithDashAfterDoubleDash() {
        assertEquals(TaskIds.DASH_TASK, run("--relengapi-token=" + TOKEN, "--", TaskIds.DASH_TASK).taskId());
    }

    @Test
    void rootUrlDefaultsToTheTaskclusterEnvironmentVariable() {
        CommandLine.Outcome outcome = CommandLine.parse(List.of("--relengapi-token", TOKEN, "--", TaskIds.TASK),
            Map.of("TASKCLUSTER_ROOT_URL", "https://tc.example.com"));
        assertEquals(URI.create("https://tc.example.com"), ((CommandLine.Run) outcome).config().rootUrl());
    }

    @Test
    void rootUrlOptionWinsOverTheEnvironment() {
        CommandLine.Outcome outcome = CommandLine.parse(
            List.of("--relengapi-token", TOKEN, "--root-url", "https://option.example", "--", TaskIds.TASK),
            Map.of("TASKCLUSTER_ROOT_URL", "https://env.example"));
        assertEquals(URI.create("https://option.example"), ((CommandLine.Run) outcome).config().rootUrl());
    }

    @Test
    void tokenFileIsTrimmedAndReadAgainOnEveryUse() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), "  first-token \n");
        ProxyConfig config = run("--relengapi-token-file", file.toString(), "--", TaskIds.TASK);
        assertEquals("first-token", config.issuingToken().read().reveal());
        Files.writeString(file, "rotated-token\n");
        assertEquals("rotated-token", config.issuingToken().read().reveal());
    }

    @Test
    void severalRoutesReplaceTheDefaultTable() {
        ProxyConfig config = run("--relengapi-token", TOKEN, "--route", "a=http://a.example", "--route",
            "b=https://b.example/x", "--", TaskIds.TASK);
        assertEquals(List.of("a", "b"), config.routes().stream().map(Route::prefix).toList());
    }

    @ParameterizedTest
    @CsvSource({"600,600", "600s,600", "10m,600", "1h,3600", "10s,10", "24h,86400"})
    void tokenLifetimeAcceptsSecondsMinutesAndHours(String value, long seconds) {
        assertEquals(Duration.ofSeconds(seconds),
            run("--relengapi-token", TOKEN, "--token-lifetime", value, "--", TaskIds.TASK).tokenLifetime());
    }

    @Test
    void helpWinsOverEverythingElse() {
        assertInstanceOf(CommandLine.Help.class, parse("--help"));
        assertInstanceOf(CommandLine.Help.class, parse("-h"));
        assertInstanceOf(CommandLine.Help.class, parse("--relengapi-token", TOKEN, "--help"));
        assertInstanceOf(CommandLine.Help.class, parse("--port", "nope", "--route", "x", "--help"));
        assertInstanceOf(CommandLine.Version.class, parse("--relengapi-token-file", "/absent", "--version"));
    }

    @Test
    void devListensOnLoopbackByDefault() {
        assertEquals(new CommandLine.Dev("127.0.0.1", 8080, LogFormat.TEXT), parse("--dev"));
        assertEquals(new CommandLine.Dev("0.0.0.0", 0, LogFormat.TEXT), parse("--dev", "-p", "0", "--bind=0.0.0.0"));
    }

    @Test
    void devTakesNoTaskIdAndNoOtherOption() {
        assertTrue(error("--dev", "--", TaskIds.TASK).contains("--dev takes no task id"));
        assertTrue(error("--dev", "--relengapi-token", TOKEN).contains("--dev takes no task id"));
        assertTrue(error("--dev", "--route", "a=http://a.example").contains("no option but --port, --bind and --log-format"));
    }

    @Test
    void logFormatIsTextUnlessMozlogIsAsked() {
        assertEquals(LogFormat.TEXT, run("--relengapi-token", TOKEN, "--", TaskIds.TASK).logFormat());
        assertEquals(LogFormat.MOZLOG, run("--relengapi-token", TOKEN, "--log-format=mozlog", "--", TaskIds.TASK).logFormat());
        assertEquals(new CommandLine.Dev("127.0.0.1", 8080, LogFormat.MOZLOG), parse("--dev", "--log-format", "mozlog"));
        assertTrue(error("--relengapi-token", TOKEN, "--log-format", "json", "--", TaskIds.TASK).contains("--log-format"));
    }

    @Test
    void versionIsRecognised() {
        assertInstanceOf(CommandLine.Version.class, parse("--version"));
    }

    @Test
    void usageListsEveryOptionAndNoToken() {
        String usage = CommandLine.usage();
        for (String option : List.of("--port", "--bind", "--relengapi-token", "--relengapi-token-file", "--root-url",
            "--tokens-url", "--route", "--relengapi-host", "--token-lifetime", "--idle-timeout", "--ca-file", "--dev", "--log-format",
            "--help", "--version")) {
            assertTrue(usage.contains(option), option);
        }
        parse("--relengapi-token", TOKEN, "--port", "nope", "--", TaskIds.TASK);
        assertFalse(CommandLine.usage().contains(TOKEN));
    }

    @Test
    void unknownOptionIsNamedWithoutItsValue() {
        assertEquals("unknown option --relengapi-tokn", error("--relengapi-tokn=" + TOKEN, "--", TaskIds.TASK));
    }

    @Test
    void missingDoubleDashIsReported() {
        assertTrue(error("--relengapi-token", TOKEN).contains("`--`"));
        assertTrue(error("--relengapi-token", TOKEN, TaskIds.TASK).contains("`--`"));
    }

    @Test
    void missingTaskIdIsReported() {
        assertTrue(error("--relengapi-token", TOKEN, "--").contains("task id"));
    }

    @Test
    void extraArgumentsAfterTheTaskIdAreReported() {
        assertTrue(error("--relengapi-token", TOKEN, "--", TaskIds.TASK, "more").contains("exactly one task id"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"short", "fN1DGhGrQ9qSgPfLw6iPbZ", "fN1DGhGrA9qSgPfLw6iPbA", "fN1DGhGr!9qSgPfLw6iPbA"})
    void malformedTaskIdIsReported(String taskId) {
        assertTrue(error("--relengapi-token", TOKEN, "--", taskId).contains("slugid"));
    }

    @Test
    void taskIdThatLooksLikeATokenIsNotEchoed() {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
        assertFalse(error("--relengapi-token", TOKEN, "--", jwt).contains(jwt));
    }

    @Test
    void noTokenOptionIsReported() {
        assertTrue(error("--", TaskIds.TASK).contains("exactly one of --relengapi-token and --relengapi-token-file"));
    }

    @Test
    void bothTokenOptionsAreReported() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), "x");
        assertTrue(error("--relengapi-token", TOKEN, "--relengapi-token-file", file.toString(), "--", TaskIds.TASK)
            .contains("exactly one"));
    }

    @Test
    void missingTokenFileIsReported() {
        assertTrue(error("--relengapi-token-file", dir.resolve("absent").toString(), "--", TaskIds.TASK)
            .contains("no such file"));
    }

    @Test
    void emptyTokenFileIsReported() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), " \n\t");
        assertTrue(error("--relengapi-token-file", file.toString(), "--", TaskIds.TASK).contains("empty"));
    }

    @Test
    void tokenFileThatIsADirectoryIsReported() {
        assertTrue(error("--relengapi-token-file", dir.toString(), "--", TaskIds.TASK).contains("directory"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "65536", "http", ""})
    void portOutsideTheRangeIsReported(String port) {
        assertTrue(error("--relengapi-token", TOKEN, "--port", port, "--", TaskIds.TASK).contains("--port"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tooltool|expected PREFIX=URL",
        "=http://a.example|empty prefix",
        "__heartbeat=http://a.example|reserved",
        "a/b=http://a.example|one path segment",
        "a=ftp://a.example|not an http(s) URL",
        "a=not a url|not a URL"})
    void badRouteIsReported(String route, String expected) {
        String message = error("--relengapi-token", TOKEN, "--route", route, "--", TaskIds.TASK);
        assertTrue(message.contains(expected), message);
    }

    @Test
    void duplicateRoutePrefixIsReported() {
        assertTrue(error("--relengapi-token", TOKEN, "--route", "a=http://a.example", "--route", "a=http://b.example",
            "--", TaskIds.TASK).contains("duplicate prefix a"));
    }

    @ParameterizedTest
    @CsvSource({"--root-url,file:///etc/passwd", "--tokens-url,ftp://tokens.example", "--relengapi-host,ftp://x.example",
        "--tokens-url,https://user:pw@tokens.example/"})
    void nonHttpUrlIsReported(String option, String url) {
        assertTrue(error("--relengapi-token", TOKEN, option, url, "--", TaskIds.TASK).contains(option));
    }

    @ParameterizedTest
    @CsvSource({"--token-lifetime,9s", "--token-lifetime,25h", "--token-lifetime,ten", "--token-lifetime,10d",
        "--idle-timeout,0", "--idle-timeout,-5s"})
    void badDurationIsReported(String option, String value) {
        assertTrue(error("--relengapi-token", TOKEN, option, value, "--", TaskIds.TASK).contains(option));
    }

    @Test
    void missingCaFileIsReported() {
        assertTrue(error("--relengapi-token", TOKEN, "--ca-file", dir.resolve("none.pem").toString(), "--", TaskIds.TASK)
            .contains("--ca-file"));
    }

    @Test
    void optionWithoutValueIsReported() {
        assertEquals("option --port needs a value", error("--relengapi-token", TOKEN, "--port"));
    }

    @Test
    void optionFollowedByAnotherOptionHasNoValueAndTheTokenIsNotEchoed() {
        assertEquals("option --port needs a value", error("--port", "--relengapi-token=" + TOKEN, "--", TaskIds.TASK));
        assertEquals("option --route needs a value", error("--route", "--relengapi-token", TOKEN, "--", TaskIds.TASK));
    }

    @Test
    void tokenGivenAsTheTokenFileIsNotEchoed() {
        assertTrue(error("--relengapi-token-file=" + TOKEN, "--", TaskIds.TASK).contains("no such file"));
    }

    @Test
    void tokenGivenAsAnotherOptionsValueIsNotEchoed() {
        error("--relengapi-token", TOKEN, "--tokens-url", TOKEN, "--", TaskIds.TASK);
        error("--relengapi-token=" + TOKEN, "--route", "x=" + TOKEN, "--", TaskIds.TASK);
    }

    @Test
    void repeatedSingleOptionIsReportedWithoutTheToken() {
        error("--relengapi-token", TOKEN, "--relengapi-token", TOKEN, "--", TaskIds.TASK);
    }
}
