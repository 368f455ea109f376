package org.mozilla.relengapi.proxy.tokens;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.mozilla.relengapi.proxy.controlplane.Backoff;
import org.mozilla.relengapi.proxy.controlplane.CallFailure;
import org.mozilla.relengapi.proxy.metrics.ProxyMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the current temporary token and renews it at three quarters of its life, so that while the service answers
 * no request waits. Issuance runs on one thread: one POST in flight at most, however many requests wait for it.
 */
public final class TemporaryTokenSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TemporaryTokenSource.class);
    /** Whatever lifetime the service granted, renewals do not loop. */
    private static final Duration MIN_RENEWAL_DELAY = Duration.ofSeconds(1);

    private final TokenIssuer issuer;
    private final List<String> permissions;
    private final TokenPolicy policy;
    private final Clock clock;
    private final ProxyMetrics metrics;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "temporary-token-issuer");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<CompletableFuture<TemporaryToken>> waiters = ConcurrentHashMap.newKeySet();
    private TemporaryToken current;
    private ScheduledFuture<?> scheduled;
    private Instant nextAttempt;
    private int failures;
    private String lastFailure;
    private Instant lastDrop = Instant.MIN;

    public TemporaryTokenSource(TokenIssuer issuer, List<String> permissions, TokenPolicy policy, Clock clock,
                                ProxyMetrics metrics) {
        this.issuer = issuer;
        this.permissions = List.copyOf(permissions);
        this.policy = policy;
        this.clock = clock;
        this.metrics = metrics;
    }

    public synchronized void start() {
        scheduleIssue(Duration.ZERO);
    }

    public synchronized Optional<TemporaryToken> usableToken() {
        return Optional.ofNullable(current).filter(token -> token.isUsableAt(clock.instant()));
    }

    /** The future is the caller's own: cancelling or timing it out affects no one else. */
    public synchronized CompletableFuture<TemporaryToken> nextUsableToken() {
        Optional<TemporaryToken> usable = usableToken();
        if (usable.isPresent()) {
            return CompletableFuture.completedFuture(usable.get());
        }
        CompletableFuture<TemporaryToken> waiter = new CompletableFuture<>();
        waiters.add(waiter);
        // However the waiter ends (a token, the caller's timeout, shutdown) it is forgotten: a long outage holds none.
        waiter.whenComplete((token, failure) -> waiters.remove(waiter));
        return waiter;
    }

    public synchronized TokenStatus status() {
        Instant now = clock.instant();
        boolean usable = current != null && current.isUsableAt(now);
        Optional<Instant> expires = Optional.ofNullable(current).map(TemporaryToken::expires);
        if (deadlinePassed(now)) {
            return new TokenStatus(usable, true, expires, Optional.of("task deadline passed"), Optional.empty());
        }
        String problem = lastFailure != null ? lastFailure
            : current == null ? "no temporary token issued yet" : "temporary token expired";
        return new TokenStatus(usable, false, expires, Optional.of(problem).filter(any -> !usable),
            Optional.ofNullable(nextAttempt).map(at -> now.isAfter(at) ? Duration.ZERO : Duration.between(now, at)));
    }

    /** An upstream's 401 drops the token, at most once per cooldown: the token service must not be hammered. */
    public synchronized void reportRejected(TemporaryToken rejected) {
        Instant now = clock.instant();
        if (current == rejected && !now.isBefore(lastDrop.plus(policy.rejectionCooldown()))) {
            lastDrop = now;
            current = null;
            LOG.warn("an upstream rejected the temporary token (401); requesting a new one");
            scheduleIssue(Duration.ZERO);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            scheduler.shutdownNow();
        }
        IllegalStateException closed = new IllegalStateException("the proxy is shutting down");
        List.copyOf(waiters).forEach(waiter -> waiter.completeExceptionally(closed));
    }

    private void issue() {
        Instant now = clock.instant();
        synchronized (this) {
            nextAttempt = null;
            if (deadlinePassed(now)) {
                LOG.warn("task deadline passed; no more temporary tokens will be issued");
                return;
            }
        }
        Instant full = now.plus(policy.lifetime());
        Instant expires = policy.deadline().filter(full::isAfter).orElse(full);
        long started = System.nanoTime();
        try {
            TemporaryToken token;
            try {
                token = issuer.issue(permissions, expires);
            } finally {
                metrics.tokenAttempted(Duration.ofNanos(System.nanoTime() - started));
            }
            if (!token.isUsableAt(clock.instant())) {
                // Clock skew, or a service that caps lifetimes: renewing "at once" would loop as fast as it answers.
                throw new CallFailure("token service granted a token that is already expired or about to ("
                    + token.expires() + ")", true);
            }
            synchronized (this) {
                metrics.tokenIssued(current != null, token.expires());
                LOG.info("{} temporary token for {} permission(s), valid until {}",
                    current != null ? "renewed" : "issued", permissions.size(), token.expires());
                current = token;
                failures = 0;
                lastFailure = null;
                Duration untilRenewal = Duration.between(clock.instant(), token.renewAt());
                scheduleIssue(untilRenewal.compareTo(MIN_RENEWAL_DELAY) < 0 ? MIN_RENEWAL_DELAY : untilRenewal);
            }
            // Outside the lock: each waiter re-dispatches a request, and none of that should hold up usableToken().
            List.copyOf(waiters).forEach(waiter -> waiter.complete(token));
        } catch (CallFailure e) {
            onFailure(e);
        } catch (RuntimeException | Error e) {
            // The next attempt must still be scheduled, or renewals would stop for good.
            onFailure(new CallFailure("unexpected failure: " + e.getClass().getSimpleName(), true));
        }
    }

    private synchronized void onFailure(CallFailure e) {
        metrics.tokenFailed();
        failures++;
        lastFailure = e.getMessage();
        Duration delay = e.isRetryable() ? policy.backoff().delay(failures) : policy.clientErrorRetry();
        LOG.warn("cannot get a temporary token: {}; retrying in {} ms", e.getMessage(), delay.toMillis());
        scheduleIssue(delay);
    }

    private void scheduleIssue(Duration delay) {
        if (!scheduler.isShutdown()) {
            if (scheduled != null) {
                scheduled.cancel(false);
            }
            nextAttempt = clock.instant().plus(delay);
            scheduled = scheduler.schedule(this::issue, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private boolean deadlinePassed(Instant now) {
        return policy.deadline().filter(deadline -> !now.isBefore(deadline)).isPresent();
    }

    public record TokenPolicy(Duration lifetime, Optional<Instant> deadline, Backoff backoff,
                              Duration clientErrorRetry, Duration rejectionCooldown) {

        public static TokenPolicy standard(Duration lifetime, Optional<Instant> deadline) {
            return new TokenPolicy(lifetime, deadline, new Backoff(Duration.ofMillis(250), Duration.ofSeconds(5)),
                Duration.ofMinutes(1), Duration.ofMinutes(1));
        }
    }

    /** What the heartbeat and the 503 answers report; never the token itself. */
    public record TokenStatus(boolean usable, boolean deadlinePassed, Optional<Instant> expires,
                              Optional<String> problem, Optional<Duration> retryIn) {
    }
}
