package org.mozilla.relengapi.proxy.taskcluster;

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
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mozilla.relengapi.proxy.controlplane.Backoff;
import org.mozilla.relengapi.proxy.controlplane.ControlPlaneCall;
import org.mozilla.relengapi.proxy.controlplane.Failures;
import org.mozilla.relengapi.proxy.controlplane.ServiceCallException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads task definitions from the Taskcluster queue (no credentials needed). Transient failures are retried with
 * backoff until {@code retryBudget} is spent; a 4xx is final.
 */
public final class QueueClient {
    private static final Logger LOG = LoggerFactory.getLogger(QueueClient.class);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http;
    private final URI queueBase;
    private final Backoff backoff;
    private final Duration retryBudget;

    public QueueClient(HttpClient http, URI queueBase, Backoff backoff, Duration retryBudget) {
        this.http = http;
        this.queueBase = queueBase;
        this.backoff = backoff;
        this.retryBudget = retryBudget;
    }

    /** The queue's base URL for a Taskcluster root URL, with the legacy taskcluster.net mapping. */
    public static URI queueBaseFor(URI rootUrl) {
        String root = rootUrl.toString().replaceAll("/+$", "");
        if (root.equals("https://taskcluster.net")) {
            return URI.create("https://queue.taskcluster.net/v1/");
        }
        return URI.create(root + "/api/queue/v1/");
    }

    public TaskDefinition fetchTask(String taskId) throws ServiceCallException {
        URI uri = queueBase.resolve("task/" + taskId);
        long deadline = System.nanoTime() + retryBudget.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return attempt(taskId, uri);
            } catch (ServiceCallException e) {
                if (!e.isRetryable()) {
                    throw e;
                }
                Duration delay = backoff.delay(attempt);
                if (System.nanoTime() + delay.toNanos() > deadline) {
                    throw new ServiceCallException(e.getMessage() + " (gave up after " + attempt + " attempts)", false);
                }
                LOG.warn("queue: {}; retrying in {} ms", e.getMessage(), delay.toMillis());
                sleep(delay);
            }
        }
    }

    private TaskDefinition attempt(String taskId, URI uri) throws ServiceCallException {
        HttpRequest request = HttpRequest.newBuilder(uri)
            .header("Accept", "application/json").GET().build();
        HttpResponse<String> response;
        try {
            response = ControlPlaneCall.send(http, request, ATTEMPT_TIMEOUT);
        } catch (IOException e) {
            throw new ServiceCallException("GET " + uri + " failed: " + Failures.describe(e), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceCallException("GET " + uri + " interrupted", false);
        }
        int status = response.statusCode();
        if (status == 404) {
            throw new ServiceCallException("task " + taskId + " not found in the queue (" + uri + " answered 404)", false);
        }
        if (status != 200) {
            throw new ServiceCallException("GET " + uri + " answered " + status + describeError(response.body()),
                ServiceCallException.isRetryableStatus(status));
        }
        return parse(taskId, uri, response.body());
    }

    private static TaskDefinition parse(String taskId, URI uri, String body) throws ServiceCallException {
        try {
            JsonObject task = JsonParser.parseString(body).getAsJsonObject();
            JsonElement scopes = task.get("scopes");
            if (scopes == null || !scopes.isJsonArray()) {
                throw new ServiceCallException("the queue's answer for task " + taskId + " has no scopes list", false);
            }
            List<String> list = new ArrayList<>();
            for (JsonElement scope : (JsonArray) scopes) {
                if (scope.isJsonPrimitive()) {
                    list.add(scope.getAsString());
                }
            }
            return new TaskDefinition(taskId, list, deadline(task));
        } catch (JsonParseException | IllegalStateException | DateTimeParseException e) {
            throw new ServiceCallException("GET " + uri + " did not return a task definition", false);
        }
    }

    private static Optional<Instant> deadline(JsonObject task) {
        JsonElement deadline = task.get("deadline");
        if (deadline == null || !deadline.isJsonPrimitive()) {
            return Optional.empty();
        }
        return Optional.of(OffsetDateTime.parse(deadline.getAsString()).toInstant());
    }

    private static String describeError(String body) {
        try {
            JsonObject error = JsonParser.parseString(body).getAsJsonObject();
            JsonElement message = error.get("message");
            if (message != null && message.isJsonPrimitive()) {
                String text = message.getAsString().lines().findFirst().orElse("");
                return text.isBlank() ? "" : ": " + text;
            }
        } catch (JsonParseException | IllegalStateException e) {
            // The body is not Taskcluster's error JSON; the status alone has to do.
        }
        return "";
    }

    private static void sleep(Duration delay) throws ServiceCallException {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceCallException("interrupted while waiting to retry the queue", false);
        }
    }
}
