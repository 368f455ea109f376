package org.mozilla.relengapi.proxy.tokens;

import com.google.gson.JsonElement;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.mozilla.relengapi.proxy.cli.ProxyConfig.IssuingToken;
import org.mozilla.relengapi.proxy.controlplane.CallFailure;
import org.mozilla.relengapi.proxy.controlplane.ControlPlane;
import org.mozilla.relengapi.proxy.controlplane.Secret;

/** Asks the token service for a temporary token, the issuing token as Bearer; its messages hold neither token. */
public final class TokenIssuer {
    private final ControlPlane controlPlane;
    private final URI tokensUrl;
    private final IssuingToken issuingToken;
    private final Clock clock;

    public TokenIssuer(ControlPlane controlPlane, URI tokensUrl, IssuingToken issuingToken, Clock clock) {
        this.controlPlane = controlPlane;
        this.tokensUrl = tokensUrl;
        this.issuingToken = issuingToken;
        this.clock = clock;
    }

    public TemporaryToken issue(List<String> permissions, Instant requestedExpiry) throws CallFailure {
        Instant expires = requestedExpiry.truncatedTo(ChronoUnit.SECONDS);
        Secret issuing;
        try {
            issuing = issuingToken.read();
        } catch (IOException e) {
            throw new CallFailure("cannot read the issuing token: " + CallFailure.describe(e), true);
        }
        Instant issuedAt = clock.instant();
        Request request = new Request("tmp", expires.toString(), permissions, Map.of());
        Answer.Result result = controlPlane.post(tokensUrl, issuing, request, "token service", Answer.class)
            .orElseThrow(() -> new CallFailure("token service answered 200 with a body that is not a token", true))
            .result();
        if (result == null || result.token() == null || result.token().isEmpty()) {
            throw new CallFailure("token service answered 200 without a token", true);
        }
        return new TemporaryToken(new Secret(result.token()), issuedAt, earlier(expires, result.expires()));
    }

    /** The service may shorten a token's life; it never lengthens what the proxy asked for. */
    private static Instant earlier(Instant requested, JsonElement answered) {
        try {
            Instant expires = answered == null || !answered.isJsonPrimitive() ? requested
                : OffsetDateTime.parse(answered.getAsString()).toInstant();
            return expires.isBefore(requested) ? expires : requested;
        } catch (DateTimeParseException e) {
            return requested;
        }
    }

    private record Request(String typ, String expires, List<String> permissions, Map<String, String> metadata) {
    }

    private record Answer(Result result) {
        private record Result(String token, JsonElement expires) {
        }
    }
}
