package org.mozilla.relengapi.proxy.taskcluster;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The parts of a Taskcluster task definition the proxy uses. */
public record TaskDefinition(String taskId, List<String> scopes, Optional<Instant> deadline) {
    public TaskDefinition {
        scopes = List.copyOf(scopes);
    }
}
