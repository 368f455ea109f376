package org.mozilla.relengapi.proxy.tokens;

import java.time.Duration;
import java.time.Instant;
import org.mozilla.relengapi.proxy.controlplane.Secret;

/** A temporary RelengAPI token and the time window in which the proxy uses it. */
public record TemporaryToken(Secret value, Instant issuedAt, Instant expires) {
    private static final Duration MAX_MARGIN = Duration.ofSeconds(5);

    /** Renewal starts once three quarters of the lifetime have passed. */
    public Instant renewAt() {
        return issuedAt.plus(lifetime().multipliedBy(3).dividedBy(4));
    }

    /**
     * A token is not handed out in the last tenth of its life (at most 5 s), so that a request does not reach the
     * upstream with a token that expired on the way.
     */
    public boolean isUsableAt(Instant now) {
        Duration margin = lifetime().dividedBy(10);
        return now.isBefore(expires.minus(margin.compareTo(MAX_MARGIN) > 0 ? MAX_MARGIN : margin));
    }

    public Duration lifetime() {
        return Duration.between(issuedAt, expires);
    }
}
