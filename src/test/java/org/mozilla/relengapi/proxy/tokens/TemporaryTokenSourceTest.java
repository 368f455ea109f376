package org.mozilla.relengapi.proxy.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.atMost;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mozilla.relengapi.proxy.controlplane.Backoff;
import org.mozilla.relengapi.proxy.controlplane.CallFailure;
import org.mozilla.relengapi.proxy.controlplane.Secret;
import org.mozilla.relengapi.proxy.metrics.ProxyMetrics;
import org.mozilla.relengapi.proxy.tokens.TemporaryTokenSource.TokenPolicy;

/** The token source's scheduling, with the issuer as a Mockito seam (the HTTP side is covered over sockets). */
class TemporaryTokenSourceTest {
    private static final List<String> PERMISSIONS = List.of("p");
    private static final TokenPolicy POLICY = new TokenPolicy(Duration.ofMinutes(10), Optional.empty(),
        new Backoff(Duration.ofMillis(100), Duration.ofMillis(400)), Duration.ofMinutes(1), Duration.ofMinutes(1));

    private final TokenIssuer issuer = mock(TokenIssuer.class);
    private final ProxyMetrics events = mock(ProxyMetrics.class);
    private TemporaryTokenSource source;

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
    }

    private TemporaryTokenSource start() {
        source = new TemporaryTokenSource(issuer, PERMISSIONS, POLICY, Clock.systemUTC(), events);
        source.start();
        return source;
    }

    private static TemporaryToken token(String value, Duration lifetime) {
        Instant now = Instant.now();
        return new TemporaryToken(new Secret(value), now, now.plus(lifetime));
    }

    @Test
    void aTokenThatIsAlreadyExpiredIsRetriedWithBackoffNotInALoop() throws Exception {
        when(issuer.issue(any(), any())).thenAnswer(call -> {
            Instant now = Instant.now();
            return new TemporaryToken(new Secret("stale"), now, now.minusSeconds(60));
        });
        start();
        Thread.sleep(1500);
        verify(issuer, atMost(12)).issue(any(), any());
        assertTrue(source.usableToken().isEmpty());
        assertTrue(source.status().problem().orElse("").contains("already expired"), source.status().toString());
    }

    @Test
    void unexpectedErrorsFromTheIssuerStillLeadToARetry() throws Exception {
        when(issuer.issue(any(), any()))
            .thenThrow(new IllegalStateException("boom"))
            .thenThrow(new AssertionError("worse"))
            .thenReturn(token("good", Duration.ofMinutes(10)));
        start();
        assertEquals("good", source.nextUsableToken().get(5, TimeUnit.SECONDS).value().reveal());
        verify(issuer, timeout(10_000).times(3)).issue(any(), any());
        verify(events, times(2)).tokenFailed();
        verify(events, timeout(10_000)).tokenIssued(eq(false), any());
    }

    @Test
    void aShortLivedTokenIsNotRenewedMoreThanOnceASecond() throws Exception {
        when(issuer.issue(any(), any())).thenAnswer(call -> token("short", Duration.ofMillis(1200)));
        long started = System.nanoTime();
        start();
        // Renewed at all: waited for, as a loaded machine may take longer than the token's life to get there.
        verify(issuer, timeout(20_000).atLeast(2)).issue(any(), any());
        Thread.sleep(1500);
        // At most once a second over the time that passed, plus the first issuance: more would be a loop.
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        verify(issuer, atMost((int) seconds + 2)).issue(any(), any());
    }

    @Test
    void aRejectionOfAnOlderTokenKeepsTheCurrentOne() throws Exception {
        TemporaryToken first = token("first", Duration.ofMinutes(10));
        when(issuer.issue(any(), any())).thenReturn(first).thenReturn(token("second", Duration.ofMinutes(10)));
        start();
        source.nextUsableToken().get(5, TimeUnit.SECONDS);
        source.reportRejected(token("older", Duration.ofMinutes(10)));
        Thread.sleep(300);
        verify(issuer, atMost(1)).issue(any(), any());
        assertEquals(first, source.usableToken().orElseThrow());
    }

    @Test
    void closingFailsTheRequestsStillWaiting() throws Exception {
        when(issuer.issue(any(), any())).thenThrow(new CallFailure("down", true));
        start();
        CompletableFuture<TemporaryToken> waiting = source.nextUsableToken();
        source.close();
        assertThrows(ExecutionException.class, () -> waiting.get(1, TimeUnit.SECONDS));
    }
}
