package org.mozilla.relengapi.proxy.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The JDK the jar runs on in production (the image's runtime is jlink'd from a JDK 25), for the integration tests
 * that run the jar or scripts/make-runtime.sh; the code itself is Java 17 and the unit tests run on 17. Failsafe's
 * system property relengapi.proxy.java25.home names it ({@code mvn verify -Dit.java25.home=DIR}); else it is the
 * newest full Temurin JDK 25 or later under /usr/lib/jvm, as make-runtime.sh looks for it. Where there is none, the
 * tests that need it are skipped with a message saying what to install.
 */
public final class Java25 {
    private static final int FEATURE = 25;
    private static final Path INSTALLED = Path.of("/usr/lib/jvm");
    private static final Pattern FEATURE_PART = Pattern.compile("^\\d+");
    private static final Pattern JAVA_VERSION = Pattern.compile("^JAVA_VERSION=\"([^\"]+)\"", Pattern.MULTILINE);

    private Java25() {
    }

    /** The JDK's home; skips the calling test where there is none. */
    public static Path home() {
        String configured = System.getProperty("relengapi.proxy.java25.home", "");
        if (!configured.isBlank()) {
            Path home = Path.of(configured);
            if (!isFullJdk(home)) {
                throw new IllegalStateException("it.java25.home=" + configured + " is not a full JDK " + FEATURE + " or later");
            }
            return home;
        }
        Optional<Path> installed = installed();
        assumeTrue(installed.isPresent(), "skipped: this test runs the jar on Java " + FEATURE + " and there is no JDK "
            + FEATURE + " or later: install Adoptium's Temurin " + FEATURE + " JDK under " + INSTALLED
            + ", or name one with mvn verify -Dit.java25.home=DIR");
        return installed.get();
    }

    public static Path java() {
        return home().resolve("bin").resolve("java");
    }

    private static Optional<Path> installed() {
        try (Stream<Path> jvms = Files.list(INSTALLED)) {
            return jvms.filter(home -> home.getFileName().toString().startsWith("temurin-"))
                .filter(Java25::isFullJdk)
                .max(Comparator.comparingInt(Java25::featureVersion).thenComparing(Path::toString));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** make-runtime.sh needs jlink, so a JRE is not enough. */
    private static boolean isFullJdk(Path home) {
        return featureVersion(home) >= FEATURE && Files.isExecutable(home.resolve("bin").resolve("jlink"));
    }

    /** The JDK's JAVA_VERSION ("25.0.3"), from its release file; empty where it has none. */
    public static Optional<String> releaseVersion(Path home) {
        try {
            Matcher m = JAVA_VERSION.matcher(Files.readString(home.resolve("release")));
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int featureVersion(Path home) {
        return releaseVersion(home).map(FEATURE_PART::matcher).filter(Matcher::find)
            .map(m -> Integer.parseInt(m.group())).orElse(0);
    }
}
