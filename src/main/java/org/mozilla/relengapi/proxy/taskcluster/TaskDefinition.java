package org.mozilla.relengapi.proxy.taskcluster;

import java.time.Instant;
import java.util.List;

/** The parts of a Taskcluster task definition the proxy uses, as the queue names them; no deadline is null. */
public record TaskDefinition(List<String> scopes, Instant deadline) {
}
