package org.mozilla.relengapi.proxy.controlplane;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One call to the queue or the token service, bounded in total. {@link HttpRequest#timeout} stops counting once
 * the response headers arrive, so a service that sends headers and then stalls would hold the caller forever;
 * here the whole exchange, body included, has to finish within the limit, else it is cancelled.
 */
public final class ControlPlaneCall {

    private ControlPlaneCall() {
    }

    public static HttpResponse<String> send(HttpClient http, HttpRequest request, Duration limit)
        throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<String>> exchange = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        try {
            return exchange.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new HttpTimeoutException("no complete answer within " + limit.toSeconds() + " s");
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(Failures.describe(e.getCause()), e.getCause());
        }
    }
}
