package org.mozilla.relengapi.proxy.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.mozilla.relengapi.proxy.server.EmbeddedProxy;
import org.mozilla.relengapi.proxy.server.Launcher;

/**
 * The proxy started in-process through its real command line, in front of a fake queue, a fake token service and
 * one echo upstream per route, all on 127.0.0.1 and free ports. As an extension ({@link TestServer}) it waits for
 * the proxy's first token before any test, and forgets between tests what the upstreams received; the queue and the
 * token service keep their requests for the proxy's whole life, which is when it asks them.
 */
public final class ProxyUnderTest extends TestServer {
    public static final List<String> PERMISSIONS = List.of("tooltool.download.internal", "tooltool.download.public");

    public final HttpFake queue;
    public final HttpFake tokenService;
    public final Scripts.Tokens tokens;
    public final Map<String, HttpFake> upstreams = new LinkedHashMap<>();
    public final HttpFake catchAll;
    public final String issuingToken;
    private final Builder builder;
    private EmbeddedProxy proxy;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();

    private ProxyUnderTest(Builder builder) {
        this.builder = builder;
        issuingToken = "issuing-" + UUID.randomUUID();
        SecretLeakCheck.registerSecret(issuingToken);
        queue = new HttpFake(new Scripts.Queue().add(TaskIds.TASK, builder.scopes, builder.deadline));
        tokens = builder.tokens;
        tokenService = new HttpFake(tokens, builder.tokenServiceTls);
        builder.tokenServiceSetup.accept(tokenService);
        builder.routes.forEach(prefix -> upstreams.put(prefix, new HttpFake(Scripts.echo(prefix))));
        catchAll = builder.catchAll ? new HttpFake(Scripts.echo("catch-all")) : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ProxyUnderTest start() throws Exception {
        return builder().start();
    }

    /** Every fake this proxy starts and stops: its own and those given to {@link Builder#route(String, TestServer)}. */
    private List<TestServer> fakes() {
        List<TestServer> fakes = new ArrayList<>(List.of(queue, tokenService));
        fakes.addAll(upstreams.values());
        if (catchAll != null) {
            fakes.add(catchAll);
        }
        fakes.addAll(builder.fakes);
        return fakes;
    }

    @Override
    protected void startServing() throws Exception {
        try {
            for (TestServer fake : fakes()) {
                fake.open();
            }
            launch();
        } catch (Exception e) {
            try {
                closeFakes();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void launch() {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1",
            builder.tokenFile == null ? "--relengapi-token=" + issuingToken : "--relengapi-token-file=" + builder.tokenFile,
            "--root-url", builder.address(queue.uri(), "queue").toString(),
            "--tokens-url", builder.tokensUrl != null ? builder.tokensUrl.toString()
                : builder.address(tokenService.uri("/tokens"), "tokens").toString()));
        upstreams.forEach((prefix, upstream) -> {
            args.add("--route");
            args.add(prefix + "=" + builder.address(upstream.uri(), prefix) + builder.basePath);
        });
        builder.extraRoutes.forEach((prefix, url) -> {
            args.add("--route");
            args.add(prefix + "=" + url.get());
        });
        if (catchAll != null) {
            args.add("--relengapi-host=" + catchAll.uri());
        }
        args.addAll(builder.extraArgs);
        args.add("--");
        args.add(TaskIds.TASK);
        Launcher.Started started = new Launcher(System.out, System.err, builder.environment).start(args);
        proxy = started.proxy();
        if (proxy == null) {
            throw new IllegalStateException("proxy did not start: exit status " + started.exitStatus());
        }
    }

    @Override
    protected void ready() throws InterruptedException {
        awaitToken();
    }

    @Override
    protected void forgetRequests() {
        fakes().stream().filter(fake -> fake != queue && fake != tokenService).forEach(TestServer::forgetRequests);
    }

    public HttpFake upstream(String prefix) {
        return upstreams.get(prefix);
    }

    public int port() {
        return proxy.port();
    }

    @Override
    public URI uri() {
        return uri("");
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    public HttpClient client() {
        return client;
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the proxy holds a token (its heartbeat says so), so that a test measures what it means to. */
    public ProxyUnderTest awaitToken() throws InterruptedException {
        return awaitToken(Duration.ofSeconds(10));
    }

    public ProxyUnderTest awaitToken(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (get("/__heartbeat__").statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // Not answering yet: try again.
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the proxy got no token within " + limit);
    }

    @Override
    protected void stopServing() throws Exception {
        try {
            proxy.close();
        } finally {
            closeFakes();
        }
    }

    private void closeFakes() throws Exception {
        for (TestServer fake : fakes()) {
            fake.close();
        }
    }

    public static final class Builder {
        private List<String> routes = List.of("tooltool", "treestatus", "mapper");
        private List<String> scopes = PERMISSIONS.stream().map(p -> "docker-worker:relengapi-proxy:" + p).toList();
        private Instant deadline = Instant.now().plusSeconds(3600);
        private boolean catchAll;
        private String basePath = "";
        private final List<String> extraArgs = new ArrayList<>();
        private Consumer<HttpFake> tokenServiceSetup = service -> { };
        private Scripts.Tokens tokens = new Scripts.Tokens();
        private final Map<String, Supplier<URI>> extraRoutes = new LinkedHashMap<>();
        private final List<TestServer> fakes = new ArrayList<>();
        private Path tokenFile;
        private URI tokensUrl;
        private Map<String, String> environment = Map.of();
        private boolean namesOnlyTheForwardProxyKnows;
        private TestCertificates tokenServiceTls;

        /** The environment the proxy reads (TASKCLUSTER_ROOT_URL, HTTPS_PROXY, ...); empty by default. */
        public Builder environment(Map<String, String> variables) {
            environment = Map.copyOf(variables);
            return this;
        }

        /**
         * Gives the proxy the queue, the token service and the echo routes by names only {@link FakeForwardProxy}
         * resolves ({@code queue.egress.test}, {@code tokens.egress.test}, {@code <prefix>.egress.test}).
         */
        public Builder namesOnlyTheForwardProxyKnows() {
            namesOnlyTheForwardProxyKnows = true;
            return this;
        }

        /** Serve the fake token service over HTTPS (pass the CA with --ca-file). */
        public Builder tokenServiceOverHttps(TestCertificates tls) {
            tokenServiceTls = tls;
            return this;
        }

        private URI address(URI uri, String name) {
            return namesOnlyTheForwardProxyKnows ? FakeForwardProxy.nameOnlyTheProxyKnows(uri, name) : uri;
        }

        /** Where the proxy asks for tokens, instead of the fake token service (e.g. a port that refuses). */
        public Builder tokensUrl(URI url) {
            tokensUrl = url;
            return this;
        }

        /** A route to a URL that is no fake of this proxy's (a closed port, a name only a forward proxy knows). */
        public Builder route(String prefix, URI url) {
            extraRoutes.put(prefix, () -> url);
            return this;
        }

        /** A route to a fake other than an echo (scripted bytes, HTTPS): the proxy starts and stops it with its own. */
        public Builder route(String prefix, TestServer fake) {
            fakes.add(fake);
            extraRoutes.put(prefix, fake::uri);
            return this;
        }

        /** Pass the issuing token as --relengapi-token-file (the test writes and rotates the file). */
        public Builder tokenFile(Path file) {
            tokenFile = file;
            return this;
        }

        /** Prepares the fake token service before the proxy starts (and asks for its first token). */
        public Builder tokenService(Consumer<HttpFake> setup) {
            tokenServiceSetup = setup;
            return this;
        }

        /** The token service's script, when it must issue tokens other than the default ones. */
        public Builder tokens(Scripts.Tokens issuer) {
            tokens = issuer;
            return this;
        }

        public Builder routes(String... prefixes) {
            routes = List.of(prefixes);
            return this;
        }

        public Builder scopes(List<String> taskScopes) {
            scopes = taskScopes;
            return this;
        }

        public Builder deadline(Instant taskDeadline) {
            deadline = taskDeadline;
            return this;
        }

        public Builder withCatchAll() {
            catchAll = true;
            return this;
        }

        /** Gives every route URL this base path, e.g. {@code /base/}. */
        public Builder basePath(String path) {
            basePath = path;
            return this;
        }

        public Builder args(String... args) {
            extraArgs.addAll(List.of(args));
            return this;
        }

        /** Starts the proxy now, for a test that closes it itself. */
        public ProxyUnderTest start() throws Exception {
            ProxyUnderTest proxy = build();
            proxy.open();
            return proxy;
        }

        /** The proxy not yet started: for a {@code @RegisterExtension} field, which starts it. */
        public ProxyUnderTest build() {
            return new ProxyUnderTest(this);
        }
    }
}
