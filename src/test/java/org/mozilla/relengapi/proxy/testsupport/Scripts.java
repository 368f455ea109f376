package org.mozilla.relengapi.proxy.testsupport;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The scripts of the servers around the proxy: an echo upstream, a Taskcluster queue, a RelengAPI token service. */
public final class Scripts {
    /** The headers of {@code /quoted-redirect}, which Jetty's proxy servlet used to mangle or lose. */
    public static final String NEL = "{\"report_to\":\"default\",\"max_age\":2592000}";
    public static final String CONTENT_DISPOSITION = "attachment; filename=\"build;v2.tar.gz\"";

    private Scripts() {
    }

    /** The JSON an echo answers with, parsed. */
    public record Echo(String upstream, String method, String path, String query, String authorization,
                       Map<String, List<String>> headers, long bodyLength, String bodySha256) {
        public static Echo parse(String json) {
            return new Gson().fromJson(json, Echo.class);
        }
    }

    /**
     * An upstream that answers with a JSON {@link Echo} of the request, and an {@code X-Upstream: name} header. Paths
     * ending in {@code /status/N} answer status N; {@code /redirect} answers 302 to this very upstream (a proxy that
     * followed it would show a second request); {@code /quoted-redirect} answers 302 with a JSON-valued {@code NEL}
     * header before its {@code Location}, and a quoted file name; {@code /bytes/N} streams N pattern bytes, pausing
     * {@code pauseMs} after each 64 KiB if asked; {@code /async-bytes/N} streams them without holding a thread.
     */
    public static HttpFake.Script echo(String name) {
        return request -> echoAnswer(name, request).header("X-Upstream", name);
    }

    private static Answer echoAnswer(String name, RecordedRequest request) {
        String[] segments = request.rawPath().split("/");
        String last = segments.length > 0 ? segments[segments.length - 1] : "";
        String beforeLast = segments.length > 1 ? segments[segments.length - 2] : "";
        String followed = "http://127.0.0.1:" + request.localPort() + "/followed";
        if (beforeLast.equals("status")) {
            return Answer.status(Integer.parseInt(last)).header("X-Custom-Response", "kept")
                .text("upstream " + name + " says " + last);
        } else if (last.equals("redirect")) {
            return Answer.status(302).header("Location", followed);
        } else if (last.equals("quoted-redirect")) {
            return Answer.status(302).header("NEL", NEL).header("Location", followed)
                .header("Content-Disposition", CONTENT_DISPOSITION);
        } else if (beforeLast.equals("bytes")) {
            long pause = request.query() == null ? 0 : Arrays.stream(request.query().split("&"))
                .filter(parameter -> parameter.startsWith("pauseMs=")).mapToLong(p -> Long.parseLong(p.substring(8)))
                .findFirst().orElse(0);
            return Answer.patternBytes(Long.parseLong(last), Duration.ofMillis(pause), true);
        } else if (beforeLast.equals("async-bytes")) {
            return Answer.patternBytes(Long.parseLong(last), Duration.ZERO, false);
        }
        Map<String, Object> echo = new LinkedHashMap<>();
        echo.put("upstream", name);
        echo.put("method", request.method());
        echo.put("path", request.rawPath());
        echo.put("query", request.query());
        echo.put("authorization", request.header("Authorization"));
        echo.put("headers", request.headers());
        echo.put("bodyLength", request.bodyLength());
        echo.put("bodySha256", request.bodySha256());
        return Answer.json(200, new Gson().toJson(echo));
    }

    /** A Taskcluster queue at {@code /api/queue/v1/task/<taskId>}; unknown tasks get Taskcluster's 404. */
    public static final class Queue implements HttpFake.Script {
        private static final String PREFIX = "/api/queue/v1/task/";
        private final Map<String, String> tasks = new ConcurrentHashMap<>();

        /** What a queue having a bad day answers. */
        public static Answer outage(int status) {
            return Answer.json(status, "{\"code\":\"InternalServerError\",\"message\":\"queue is having a bad day\"}");
        }

        public Queue add(String taskId, List<String> scopes) {
            return add(taskId, scopes, Instant.now().plusSeconds(3600));
        }

        public Queue add(String taskId, List<String> scopes, Instant deadline) {
            JsonObject task = new JsonObject();
            JsonArray list = new JsonArray();
            scopes.forEach(list::add);
            task.add("scopes", list);
            if (deadline != null) {
                task.addProperty("deadline", deadline.toString());
            }
            task.addProperty("expires", Instant.now().plusSeconds(86400 * 30).toString());
            tasks.put(taskId, task.toString());
            return this;
        }

        @Override
        public Answer answer(RecordedRequest request) {
            String path = request.rawPath();
            String task = path.startsWith(PREFIX) ? tasks.get(path.substring(PREFIX.length())) : null;
            return task == null ? Answer.json(404, "{\"code\":\"ResourceNotFound\",\"message\":\"Task not found\"}")
                : Answer.json(200, task);
        }
    }

    /**
     * A RelengAPI token service at {@code /tokens}: it issues a fresh token ({@code tmp-<random>-<n>}) for each POST,
     * with the expiry asked for, and registers it with {@link SecretLeakCheck}.
     */
    public static final class Tokens implements HttpFake.Script {
        private final List<String> issued = new CopyOnWriteArrayList<>();
        private final AtomicInteger counter = new AtomicInteger();
        private final String run = UUID.randomUUID().toString().substring(0, 8);
        private volatile Duration lifetime;
        private volatile int tokenLength;

        /** RelengAPI's error answer. */
        public static Answer error(int status, String description) {
            JsonObject error = new JsonObject();
            error.addProperty("code", status);
            error.addProperty("name", "Failure");
            error.addProperty("description", description);
            JsonObject body = new JsonObject();
            body.add("error", error);
            return Answer.json(status, body.toString());
        }

        /** Tokens issued so far, oldest first. */
        public List<String> issued() {
            return List.copyOf(issued);
        }

        /** Answer with an {@code expires} this far in the future, whatever was asked (a service may shorten tokens). */
        public Tokens shortenedTo(Duration tokenLifetime) {
            lifetime = tokenLifetime;
            return this;
        }

        /** Issue tokens of exactly {@code length} characters (RelengAPI's are ~300), to test what a long one costs. */
        public Tokens ofLength(int length) {
            tokenLength = length;
            return this;
        }

        @Override
        public Answer answer(RecordedRequest request) {
            if (!"POST".equals(request.method()) || !"/tokens".equals(request.rawPath())) {
                return error(404, "no such endpoint");
            }
            JsonObject asked = JsonParser.parseString(request.body()).getAsJsonObject();
            String expires = lifetime == null ? asked.get("expires").getAsString()
                : OffsetDateTime.parse(Instant.now().plus(lifetime).toString()).toString();
            String token = "tmp-" + run + "-" + counter.incrementAndGet();
            if (token.length() < tokenLength) {
                token += "-" + "x".repeat(tokenLength - token.length() - 1);
            }
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
            return Answer.json(200, body.toString());
        }
    }
}
