package org.mozilla.relengapi.proxy.server;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.mozilla.relengapi.proxy.cli.ProxyConfig;
import org.mozilla.relengapi.proxy.cli.ProxyConfig.IssuingToken;
import org.mozilla.relengapi.proxy.cli.ProxyConfig.Route;
import org.mozilla.relengapi.proxy.controlplane.CallFailure;
import org.mozilla.relengapi.proxy.controlplane.EgressProxies;
import org.mozilla.relengapi.proxy.controlplane.Secret;
import org.mozilla.relengapi.proxy.logging.LogFormat;

/**
 * What {@code --dev} runs in front of the proxy: on one loopback port, a Taskcluster queue serving a demo task
 * ({@code /queue/...}), a token issuer ({@code /tokens}) and an echo upstream per default route
 * ({@code /upstream/<prefix>/...}) that answers with what it received, so a newcomer sees the injected token.
 * Nothing it starts talks to another machine.
 */
public final class DevStack {
    public static final String TASK_ID = "devtask0QxC0000000000A";
    static final List<String> PERMISSIONS = List.of("tooltool.download.public", "tooltool.download.internal",
        "treestatus.read");
    private static final List<String> PREFIXES = List.of("tooltool", "treestatus", "mapper");
    private static final String QUEUE_TASK = "/queue/api/queue/v1/task/";
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private final Server server;
    private final ServerConnector connector;

    private DevStack(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /** Starts the stack on 127.0.0.1 and a free port. */
    public static DevStack start() {
        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("dev-stack");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        // The echoes take whatever path the proxy forwards, so that a --dev user sees the proxy's answer, not theirs.
        http.setUriCompliance(EmbeddedProxy.PATHS_AS_SENT);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Services());
        try {
            server.start();
        } catch (Exception e) {
            throw new StartupException("cannot start the --dev stack: " + CallFailure.describe(e));
        }
        return new DevStack(server, connector);
    }

    /** The proxy's configuration for this stack; the proxy listens on {@code bind:port}. */
    public ProxyConfig proxyConfig(String bind, int port, LogFormat logFormat) {
        return new ProxyConfig(TASK_ID, IssuingToken.of(new Secret("dev-issuing-token")), uri("/queue"), uri("/tokens"),
            PREFIXES.stream().map(prefix -> new Route(prefix, uri("/upstream/" + prefix))).toList(),
            Optional.empty(), Duration.ofMinutes(10), Duration.ofSeconds(120), Optional.empty(), EgressProxies.NONE, bind, port,
            logFormat);
    }

    /** The stack's lifecycle, for the proxy's server to stop it along with itself. */
    Server server() {
        return server;
    }

    /** Tells a newcomer what runs where, and what to try. */
    public void describe(PrintStream out, EmbeddedProxy proxy) {
        out.println("relengapi-proxy --dev: a local stack on 127.0.0.1; nothing here talks to another machine.");
        out.println("  queue         " + uri("/queue") + "  (task " + TASK_ID + ", permissions " + PERMISSIONS + ")");
        out.println("  token issuer  " + uri("/tokens"));
        for (String prefix : PREFIXES) {
            out.println("  upstream      /" + prefix + "/ -> " + uri("/upstream/" + prefix) + "  (echoes what it receives)");
        }
        out.println("  proxy         " + proxy.uri());
        out.println("Try:  curl " + proxy.uri() + "/tooltool/sha512/0123abcd");
        out.println("The echo shows the request as the upstream saw it, with the Authorization the proxy added.");
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + path);
    }

    /** The queue, the token issuer and the echoes, told apart by path. */
    private static final class Services extends Handler.Abstract {
        private final AtomicInteger issued = new AtomicInteger();

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            // The body is read to its end before the answer: answering first would cut a large upload short (a 502).
            Content.Source.consumeAll(request, Callback.from(() -> answer(request, response, callback), callback::failed));
            return true;
        }

        private void answer(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            Object body;
            if (path.equals(QUEUE_TASK + TASK_ID)) {
                body = Map.of("scopes", PERMISSIONS.stream().map(permission -> "docker-worker:relengapi-proxy:" + permission)
                    .toList(), "deadline", Instant.now().plus(Duration.ofDays(1)).toString());
            } else if (path.startsWith(QUEUE_TASK)) {
                response.setStatus(404);
                body = Map.of("code", "ResourceNotFound", "message", "the --dev queue only knows task " + TASK_ID);
            } else if (path.equals("/tokens") && "POST".equals(request.getMethod())) {
                body = Map.of("result", Map.of("typ", "tmp", "token", "dev-temporary-token-" + issued.incrementAndGet()));
            } else if (path.startsWith("/upstream/")) {
                body = echo(request, path.substring("/upstream/".length()));
            } else {
                response.setStatus(404);
                body = Map.of("message", "not part of the --dev stack");
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            Content.Sink.write(response, true, GSON.toJson(body) + "\n", callback);
        }

        private static Map<String, Object> echo(Request request, String rest) {
            int slash = rest.indexOf('/');
            Map<String, String> headers = new LinkedHashMap<>();
            request.getHeaders().forEach(field -> headers.put(field.getLowerCaseName(), field.getValue()));
            Map<String, Object> echo = new LinkedHashMap<>();
            echo.put("upstream", slash < 0 ? rest : rest.substring(0, slash));
            echo.put("method", request.getMethod());
            echo.put("path", slash < 0 ? "/" : rest.substring(slash));
            echo.put("query", request.getHttpURI().getQuery());
            echo.put("headers", headers);
            return echo;
        }
    }
}
