package org.mozilla.relengapi.proxy.controlplane;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of min(cap, initial * 2^(n-1)),
 * so that many proxies restarted together do not hammer a recovering service in lockstep.
 */
public record Backoff(Duration initial, Duration cap) {

    public Backoff {
        if (initial.isNegative() || initial.isZero() || cap.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= cap");
        }
    }

    /** The delay before retry number {@code attempt} (1 for the first retry). */
    public Duration delay(int attempt) {
        long ceiling = ceilingMillis(attempt);
        long half = ceiling / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }

    private long ceilingMillis(int attempt) {
        long ceiling = initial.toMillis();
        for (int i = 1; i < attempt && ceiling < cap.toMillis(); i++) {
            ceiling *= 2;
        }
        return Math.min(ceiling, cap.toMillis());
    }
}
