package org.mozilla.relengapi.proxy.tokens;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.mozilla.relengapi.proxy.cli.IssuingToken;
import org.mozilla.relengapi.proxy.controlplane.ControlPlaneCall;
import org.mozilla.relengapi.proxy.controlplane.Failures;
import org.mozilla.relengapi.proxy.controlplane.Secret;
import org.mozilla.relengapi.proxy.controlplane.ServiceCallException;

/**
 * Asks the token service for one temporary token: a POST with the issuing token as Bearer. Every message it
 * produces is free of both the issuing token and the temporary token.
 */
public final class TokenIssuer {
    /** A request waits at most 10 s for a token; an attempt that takes longer is of no use to anyone. */
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http;
    private final URI tokensUrl;
    private final IssuingToken issuingToken;
    private final Clock clock;

    public TokenIssuer(HttpClient http, URI tokensUrl, IssuingToken issuingToken, Clock clock) {
        this.http = http;
        this.tokensUrl = tokensUrl;
        this.issuingToken = issuingToken;
        this.clock = clock;
    }

    public TemporaryToken issue(List<String> permissions, Instant requestedExpiry) throws ServiceCallException {
        Instant expires = requestedExpiry.truncatedTo(ChronoUnit.SECONDS);
        Secret issuing;
        try {
            issuing = issuingToken.read();
        } catch (IOException e) {
            throw new ServiceCallException("cannot read the issuing token: " + Failures.describe(e), true);
        }
        Instant issuedAt = clock.instant();
        HttpRequest request = HttpRequest.newBuilder(tokensUrl)
            .header("Authorization", "Bearer " + issuing.reveal())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(requestBody(permissions, expires)))
            .build();
        HttpResponse<String> response;
        try {
            response = ControlPlaneCall.send(http, request, ATTEMPT_TIMEOUT);
        } catch (IOException e) {
            throw new ServiceCallException("POST " + tokensUrl + " failed: " + issuing.redactFrom(Failures.describe(e)), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceCallException("POST " + tokensUrl + " interrupted", true);
        }
        int status = response.statusCode();
        if (status != 200) {
            throw new ServiceCallException("token service answered " + status + issuing.redactFrom(describeError(response.body())),
                ServiceCallException.isRetryableStatus(status));
        }
        return parse(response.body(), issuedAt, expires);
    }

    private static String requestBody(List<String> permissions, Instant expires) {
        JsonObject body = new JsonObject();
        body.addProperty("typ", "tmp");
        body.addProperty("expires", DateTimeFormatter.ISO_INSTANT.format(expires));
        JsonArray list = new JsonArray();
        permissions.forEach(list::add);
        body.add("permissions", list);
        body.add("metadata", new JsonObject());
        return body.toString();
    }

    private TemporaryToken parse(String body, Instant issuedAt, Instant requestedExpiry) throws ServiceCallException {
        try {
            JsonObject result = JsonParser.parseString(body).getAsJsonObject().getAsJsonObject("result");
            JsonElement token = result == null ? null : result.get("token");
            if (token == null || !token.isJsonPrimitive() || token.getAsString().isEmpty()) {
                throw new ServiceCallException("token service answered 200 without a token", true);
            }
            return new TemporaryToken(new Secret(token.getAsString()), issuedAt, earlier(requestedExpiry, result.get("expires")));
        } catch (JsonParseException | IllegalStateException | ClassCastException e) {
            throw new ServiceCallException("token service answered 200 with a body that is not a token", true);
        }
    }

    /** The service may shorten a token's life; it never lengthens what the proxy asked for. */
    private static Instant earlier(Instant requested, JsonElement answered) {
        if (answered == null || !answered.isJsonPrimitive()) {
            return requested;
        }
        try {
            Instant expires = OffsetDateTime.parse(answered.getAsString()).toInstant();
            return expires.isBefore(requested) ? expires : requested;
        } catch (DateTimeParseException e) {
            return requested;
        }
    }

    private static String describeError(String body) {
        try {
            JsonObject error = JsonParser.parseString(body).getAsJsonObject().getAsJsonObject("error");
            if (error != null) {
                for (String field : List.of("description", "name")) {
                    JsonElement text = error.get(field);
                    if (text != null && text.isJsonPrimitive() && !text.getAsString().isBlank()) {
                        return ": " + text.getAsString().lines().findFirst().orElse("").strip();
                    }
                }
            }
        } catch (JsonParseException | IllegalStateException | ClassCastException e) {
            // Not RelengAPI's error JSON: the status alone has to do.
        }
        return "";
    }
}
