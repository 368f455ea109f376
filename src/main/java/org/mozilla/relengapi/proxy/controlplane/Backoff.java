package org.mozilla.relengapi.proxy.controlplane;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with equal jitter, so that proxies restarted together do not retry in lockstep. */
public record Backoff(Duration initial, Duration cap) {

    /** Between half and all of min(cap, initial * 2^(attempt-1)); {@code attempt} 1 is the first retry. */
    public Duration delay(int attempt) {
        long ceiling = Math.min(cap.toMillis(), initial.toMillis() << Math.min(attempt - 1, 20));
        long half = ceiling / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }
}
