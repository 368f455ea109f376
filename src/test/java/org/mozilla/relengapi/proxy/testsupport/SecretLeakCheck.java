package org.mozilla.relengapi.proxy.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test-wide check (registered for every test class through the JUnit extension autodetection): everything the
 * test JVM writes to stdout and stderr — the proxy's log, its access log, Jetty's warnings — is captured, and after
 * each test class it must not contain any secret a test registered: issuing tokens and every temporary token the
 * fake token service issued.
 */
public final class SecretLeakCheck implements AfterAllCallback {
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final ByteArrayOutputStream CAPTURED = new ByteArrayOutputStream();

    static {
        System.setOut(tee(System.out));
        System.setErr(tee(System.err));
    }

    public static void registerSecret(String secret) {
        SECRETS.add(secret);
    }

    /** Everything written to stdout and stderr since the last check. */
    public static String captured() {
        synchronized (CAPTURED) {
            return CAPTURED.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        String output;
        synchronized (CAPTURED) {
            output = CAPTURED.toString(StandardCharsets.UTF_8);
            CAPTURED.reset();
        }
        for (String secret : SECRETS) {
            if (output.contains(secret)) {
                fail("a secret reached stdout/stderr during " + context.getDisplayName());
            }
        }
    }

    /** Fails if {@code text} (an error body, a message) contains any registered secret. */
    public static void assertNoSecretIn(String text) {
        for (String secret : SECRETS) {
            if (text != null && text.contains(secret)) {
                fail("a secret appears in: " + text.replace(secret, "<SECRET>"));
            }
        }
    }

    private static PrintStream tee(PrintStream original) {
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (CAPTURED) {
                    CAPTURED.write(b);
                }
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                original.write(bytes, offset, length);
                synchronized (CAPTURED) {
                    CAPTURED.write(bytes, offset, length);
                }
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
        return new PrintStream(both, true, StandardCharsets.UTF_8);
    }
}
