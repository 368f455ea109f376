package org.mozilla.relengapi.proxy.testsupport;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A RelengAPI token service at {@code /tokens}. It records every request, and answers 200 with a fresh token
 * ({@code tmp-<random>-<n>}) unless told to fail. Every token it issues is registered with {@link SecretLeakCheck}.
 */
public final class FakeTokenService extends FakeServer {
    private final TokenServlet servlet;

    private FakeTokenService(TokenServlet servlet, TestCertificates tls) {
        super(servlet, tls);
        this.servlet = servlet;
    }

    public static FakeTokenService start() {
        return new FakeTokenService(new TokenServlet(), null);
    }

    /** The service over HTTPS, with a server certificate signed by the test CA. */
    public static FakeTokenService startHttps(TestCertificates tls) {
        return new FakeTokenService(new TokenServlet(), tls);
    }

    public URI tokensUrl() {
        return uri("/tokens");
    }

    /** Every request received so far. */
    public List<RecordedRequest> requests() {
        return List.copyOf(servlet.requests);
    }

    /** Tokens issued so far, oldest first. */
    public List<String> issuedTokens() {
        return List.copyOf(servlet.issued);
    }

    /** From now on answer with {@code status} and RelengAPI's error JSON; {@code 0} goes back to issuing. */
    public void failWith(int status, String description) {
        servlet.failureStatus = status;
        servlet.failureDescription = description;
    }

    /** Answer with an {@code expires} this far in the future, whatever was asked (a service may shorten tokens). */
    public void shortenTokensTo(Duration lifetime) {
        servlet.lifetime = lifetime;
    }

    /**
     * While on, answer 200 with the first byte of a body and then nothing more for 30 s: a service stalled
     * mid-answer. An answer already stalled stays stalled when this is turned off.
     */
    public void stallMidBody(boolean stall) {
        servlet.stall = stall;
    }

    /** Issue tokens of exactly {@code length} characters (RelengAPI's are ~300), to test what a long one costs. */
    public void issueTokensOfLength(int length) {
        servlet.tokenLength = length;
    }

    /** Delay each answer, to let concurrent requests pile up. */
    public void delayAnswers(Duration delay) {
        servlet.delay = delay;
    }

    private static final class TokenServlet extends HttpServlet {
        private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
        private final List<String> issued = new CopyOnWriteArrayList<>();
        private final AtomicInteger counter = new AtomicInteger();
        private final String run = UUID.randomUUID().toString().substring(0, 8);
        private volatile int failureStatus;
        private volatile String failureDescription;
        private volatile Duration lifetime;
        private volatile Duration delay = Duration.ZERO;
        private volatile boolean stall;
        private volatile int tokenLength;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            // Decided on arrival: a test that sees this request recorded and then turns stalling off must not race it.
            boolean stallThis = stall;
            RecordedRequest recorded = RecordedRequest.read(request);
            requests.add(recorded);
            sleep(delay);
            response.setContentType("application/json");
            if (stallThis) {
                response.setContentLength(1000);
                response.getOutputStream().write('{');
                response.flushBuffer();
                for (int i = 0; i < 300 && !Thread.currentThread().isInterrupted(); i++) {
                    sleep(Duration.ofMillis(100));
                }
                return;
            }
            if (failureStatus != 0) {
                response.setStatus(failureStatus);
                JsonObject error = new JsonObject();
                error.addProperty("code", failureStatus);
                error.addProperty("name", "Failure");
                error.addProperty("description", failureDescription);
                JsonObject body = new JsonObject();
                body.add("error", error);
                response.getWriter().write(body.toString());
                return;
            }
            if (!"POST".equals(request.getMethod()) || !"/tokens".equals(request.getRequestURI())) {
                response.setStatus(404);
                response.getWriter().write("{\"error\":{\"code\":404,\"name\":\"Not Found\",\"description\":\"no such endpoint\"}}");
                return;
            }
            JsonObject asked = JsonParser.parseString(recorded.body()).getAsJsonObject();
            String expires = lifetime == null ? asked.get("expires").getAsString()
                : OffsetDateTime.parse(Instant.now().plus(lifetime).toString()).toString();
            String token = padded("tmp-" + run + "-" + counter.incrementAndGet(), tokenLength);
            SecretLeakCheck.registerSecret(token);
            issued.add(token);
            JsonObject result = new JsonObject();
            result.addProperty("typ", "tmp");
            result.addProperty("token", token);
            result.addProperty("expires", expires);
            result.add("permissions", asked.get("permissions"));
            result.add("metadata", new JsonObject());
            JsonObject body = new JsonObject();
            body.add("result", result);
            response.getWriter().write(body.toString());
        }

        private static String padded(String token, int length) {
            return token.length() >= length ? token : token + "-" + "x".repeat(length - token.length() - 1);
        }

        private static void sleep(Duration delay) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
