package org.mozilla.relengapi.proxy.testsupport;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waits for state that the proxy updates after the client already has its answer (metrics, the access log, a
 * warning logged after the state it describes): polls until the condition holds, with a deadline generous enough
 * for a loaded CI machine. The caller asserts on what it returns, so a miss fails with the last value seen.
 */
public final class Eventually {
    public static final Duration PATIENCE = Duration.ofSeconds(20);

    private Eventually() {
    }

    /** Reads the state; may do I/O. */
    @FunctionalInterface
    public interface Probe<T> {
        T read() throws Exception;
    }

    /** The first value read that satisfies {@code done}, or the last one read when {@link #PATIENCE} runs out. */
    public static <T> T await(Probe<T> probe, Predicate<? super T> done) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        T value = probe.read();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            value = probe.read();
        }
        return value;
    }
}
