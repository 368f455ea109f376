package org.mozilla.relengapi.proxy.server;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.mozilla.relengapi.proxy.cli.ProxyConfig;
import org.mozilla.relengapi.proxy.controlplane.Backoff;
import org.mozilla.relengapi.proxy.controlplane.CallFailure;
import org.mozilla.relengapi.proxy.controlplane.ControlPlane;
import org.mozilla.relengapi.proxy.metrics.ProxyMetrics;
import org.mozilla.relengapi.proxy.taskcluster.QueueClient;
import org.mozilla.relengapi.proxy.taskcluster.QueueClient.TaskDefinition;
import org.mozilla.relengapi.proxy.taskcluster.TaskScopes;
import org.mozilla.relengapi.proxy.tokens.TemporaryTokenSource;
import org.mozilla.relengapi.proxy.tokens.TemporaryTokenSource.TokenPolicy;
import org.mozilla.relengapi.proxy.tokens.TokenIssuer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up, the same in the runnable jar and in a servlet container, and free of servlets: configuration, then the
 * task from the queue, its scopes as permissions, and a running temporary-token source for them.
 */
record Startup(SSLContext tls, TaskScopes scopes, TemporaryTokenSource tokens) {
    private static final Logger LOG = LoggerFactory.getLogger(Startup.class);
    /** docker-worker gives the proxy 30 s to listen; the queue gets most of it. */
    private static final Duration QUEUE_RETRY_BUDGET = Duration.ofSeconds(20);
    private static final Backoff QUEUE_BACKOFF = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(4));

    /** @throws StartupException with the one line to show when the task cannot be read or grants no permission */
    static Startup run(ProxyConfig config, Clock clock, ProxyMetrics metrics) {
        SSLContext tls;
        try {
            tls = ControlPlane.sslContext(config.caFile());
        } catch (IOException e) {
            throw new StartupException(CallFailure.messageOf(e));
        }
        if (!config.egress().isEmpty()) {
            LOG.info("egress proxies: {}", config.egress().describe());
        }
        ControlPlane controlPlane = new ControlPlane(tls, config.egress());
        TaskDefinition task;
        try {
            task = new QueueClient(controlPlane, QueueClient.queueBaseFor(config.rootUrl()), QUEUE_BACKOFF,
                QUEUE_RETRY_BUDGET).fetchTask(config.taskId());
        } catch (CallFailure e) {
            throw new StartupException("cannot read task " + config.taskId() + " from the queue: " + e.getMessage());
        }
        TaskScopes scopes = TaskScopes.of(task.scopes());
        scopes.ignoredWildcards().forEach(scope ->
            LOG.warn("ignoring scope {}: a wildcard cannot grant a RelengAPI permission", scope));
        if (scopes.permissions().isEmpty()) {
            throw new StartupException("task " + config.taskId() + " has no scope starting with " + TaskScopes.PREFIX
                + ": there is no RelengAPI permission to proxy with");
        }
        LOG.info("task {}: permissions {}", config.taskId(), scopes.permissions());

        TemporaryTokenSource tokens = new TemporaryTokenSource(
            new TokenIssuer(controlPlane, config.tokensUrl(), config.issuingToken(), clock), scopes.permissions(),
            TokenPolicy.standard(config.tokenLifetime(), Optional.ofNullable(task.deadline())), clock, metrics);
        tokens.start();
        return new Startup(tls, scopes, tokens);
    }
}
