package org.mozilla.relengapi.proxy.taskcluster;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.mozilla.relengapi.proxy.cli.ProxyConfig;
import org.mozilla.relengapi.proxy.controlplane.Backoff;
import org.mozilla.relengapi.proxy.controlplane.CallFailure;
import org.mozilla.relengapi.proxy.controlplane.ControlPlane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads task definitions from the queue (no credentials); a 4xx is final, other failures retried within a budget. */
public final class QueueClient {
    private static final Logger LOG = LoggerFactory.getLogger(QueueClient.class);

    private final ControlPlane controlPlane;
    private final URI queueBase;
    private final Backoff backoff;
    private final Duration retryBudget;

    public QueueClient(ControlPlane controlPlane, URI queueBase, Backoff backoff, Duration retryBudget) {
        this.controlPlane = controlPlane;
        this.queueBase = queueBase;
        this.backoff = backoff;
        this.retryBudget = retryBudget;
    }

    public static URI queueBaseFor(URI rootUrl) {
        String root = ProxyConfig.withoutTrailingSlashes(rootUrl).toString();
        boolean legacy = root.equals("https://taskcluster.net");
        return URI.create(legacy ? "https://queue.taskcluster.net/v1/" : root + "/api/queue/v1/");
    }

    public TaskDefinition fetchTask(String taskId) throws CallFailure {
        URI uri = queueBase.resolve("task/" + taskId);
        long deadline = System.nanoTime() + retryBudget.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                TaskDefinition task = controlPlane.get(uri, TaskDefinition.class)
                    .orElseThrow(() -> new CallFailure("GET " + uri + " did not return a task definition", false));
                if (task.scopes() == null) {
                    throw new CallFailure("the queue's answer for task " + taskId + " has no scopes list", false);
                }
                return task;
            } catch (CallFailure e) {
                Duration delay = backoff.delay(attempt);
                if (e.status() == 404) {
                    throw new CallFailure("task " + taskId + " not found in the queue (" + uri + " answered 404)",
                        false);
                } else if (!e.isRetryable()) {
                    throw e;
                } else if (System.nanoTime() + delay.toNanos() > deadline) {
                    throw new CallFailure(e.getMessage() + " (gave up after " + attempt + " attempts)", false);
                }
                LOG.warn("queue: {}; retrying in {} ms", e.getMessage(), delay.toMillis());
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new CallFailure("interrupted while waiting to retry the queue", false);
                }
            }
        }
    }

    /** The parts of a task definition the proxy uses, as the queue names them; no deadline is null. */
    public record TaskDefinition(List<String> scopes, Instant deadline) {
    }
}
