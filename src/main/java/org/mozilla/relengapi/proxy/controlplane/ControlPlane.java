package org.mozilla.relengapi.proxy.controlplane;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonDeserializer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The queue and the token service, through the JDK's HTTP client (upstreams use Jetty's); answers bound by Gson. */
public final class ControlPlane {
    /** A request waits at most 10 s for a token; an attempt that takes longer is of no use to anyone. */
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final JsonDeserializer<Instant> DATE = (json, type, context) ->
        OffsetDateTime.parse(json.getAsString()).toInstant();
    private static final Gson GSON =
        new GsonBuilder().disableHtmlEscaping().registerTypeAdapter(Instant.class, DATE).create();

    private final HttpClient http;

    public ControlPlane(SSLContext tls, EgressProxies egress) {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(LIMIT).sslContext(tls)
            .proxy(new ProxySelector() {
                @Override
                public List<Proxy> select(URI target) {
                    // Unresolved: the forward proxy resolves the target's name, and its own is resolved on connect.
                    return List.of(egress.proxyFor(target).map(proxy -> new Proxy(Proxy.Type.HTTP,
                        InetSocketAddress.createUnresolved(proxy.host(), proxy.port()))).orElse(Proxy.NO_PROXY));
                }

                @Override
                public void connectFailed(URI target, SocketAddress proxy, IOException failure) {
                    // There is no other proxy to try: the call fails, and its caller retries or reports it.
                }
            });
        if (egress.proxies().stream().anyMatch(proxy -> proxy.user().isPresent())) {
            // Answers a forward proxy's 407. The JDK refuses Basic inside CONNECT tunnels unless
            // jdk.http.auth.tunneling.disabledSchemes allows it (README, "Egress proxies").
            builder.authenticator(new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return getRequestorType() != RequestorType.PROXY ? null : egress.proxies().stream()
                        .filter(proxy -> proxy.user().isPresent() && proxy.port() == getRequestingPort()
                            && proxy.host().equalsIgnoreCase(getRequestingHost()))
                        .findFirst().map(proxy -> new PasswordAuthentication(proxy.user().get(),
                            proxy.password().map(Secret::reveal).orElse("").toCharArray())).orElse(null);
                }
            });
        }
        this.http = builder.build();
    }

    /** The TLS context of every outbound call: the JDK's default trust anchors, plus the CAs of {@code --ca-file}. */
    public static SSLContext sslContext(Optional<Path> caFile) throws IOException {
        try {
            if (caFile.isEmpty()) {
                return SSLContext.getDefault();
            }
            List<Certificate> cas = new ArrayList<>();
            try (InputStream in = Files.newInputStream(caFile.get())) {
                cas.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
            } catch (CertificateException e) {
                throw new IOException("--ca-file " + caFile.get() + " is not a PEM certificate bundle", e);
            }
            if (cas.isEmpty()) {
                throw new IOException("--ca-file " + caFile.get() + " holds no PEM certificate");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init((KeyStore) null);
            cas.addAll(List.of(((X509TrustManager) trust.getTrustManagers()[0]).getAcceptedIssuers()));
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                anchors.setCertificateEntry("ca-" + i, cas.get(i));
            }
            trust.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + CallFailure.describe(e), e);
        }
    }

    public <T> Optional<T> get(URI uri, Class<T> answer) throws CallFailure {
        return call(HttpRequest.newBuilder(uri).GET(), "GET " + uri, Optional.empty(), answer);
    }

    public <T> Optional<T> post(URI uri, Secret bearer, Object body, String service, Class<T> answer)
        throws CallFailure {
        return call(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(GSON.toJson(body))), service, Optional.of(bearer), answer);
    }

    /**
     * One call, bounded in total. {@link HttpRequest#timeout} stops counting once the response headers arrive, so a
     * service that sends headers and then stalls would hold the caller forever; here the whole exchange, body
     * included, has to finish within 10 s, else it is cancelled. A 200 answer is bound to {@code answer} (empty if
     * it does not bind); anything else is a {@link CallFailure} naming {@code service}, without the bearer token.
     */
    private <T> Optional<T> call(HttpRequest.Builder builder, String service, Optional<Secret> bearer, Class<T> answer)
        throws CallFailure {
        bearer.ifPresent(token -> builder.header("Authorization", "Bearer " + token.reveal()));
        UnaryOperator<String> redact = text -> bearer.map(token -> token.redactFrom(text)).orElse(text);
        HttpRequest request = builder.header("Accept", "application/json").build();
        String name = request.method() + " " + request.uri();
        CompletableFuture<HttpResponse<String>> exchange = http.sendAsync(request, BodyHandlers.ofString());
        HttpResponse<String> response;
        try {
            response = exchange.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new CallFailure(name + " interrupted", false);
        } catch (ExecutionException | TimeoutException e) {
            exchange.cancel(true);
            throw new CallFailure(name + " failed: " + redact.apply(CallFailure.describe(e)), true);
        }
        int status = response.statusCode();
        if (status != 200) {
            throw new CallFailure(service + " answered " + status + redact.apply(errorText(response.body())),
                status >= 500 || status == 408 || status == 429, status);
        }
        return bind(response.body(), answer);
    }

    private static <T> Optional<T> bind(String json, Class<T> type) {
        try {
            return Optional.ofNullable(GSON.fromJson(json, type));
        } catch (RuntimeException e) {
            // Not JSON or not this shape: the caller says what it expected.
            return Optional.empty();
        }
    }

    /** The first line of RelengAPI's {"error":{"description","name"}} or Taskcluster's {"message"}, or nothing. */
    private static String errorText(String body) {
        Optional<ErrorBody> error = bind(body, ErrorBody.class);
        Optional<ErrorBody.Error> relengapi = error.map(ErrorBody::error);
        return Stream.of(relengapi.map(ErrorBody.Error::description), relengapi.map(ErrorBody.Error::name),
                error.map(ErrorBody::message))
            .flatMap(Optional::stream).filter(text -> !text.isBlank()).findFirst()
            .map(text -> ": " + text.strip().lines().findFirst().orElse("")).orElse("");
    }

    private record ErrorBody(String message, Error error) {
        private record Error(String description, String name) {
        }
    }
}
