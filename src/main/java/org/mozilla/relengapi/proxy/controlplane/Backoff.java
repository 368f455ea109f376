package org.mozilla.relengapi.proxy.controlplane;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of min(cap, initial * 2^(n-1)),
 * so that many proxies restarted together do not hammer a recovering service in lockstep.
 */
public record Backoff(Duration initial, Duration cap) {

    /** The delay before retry number {@code attempt} (1 for the first retry). */
    public Duration delay(int attempt) {
        long ceiling = Math.min(cap.toMillis(), initial.toMillis() << Math.min(attempt - 1, 20));
        long half = ceiling / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }
}
