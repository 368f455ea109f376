package org.mozilla.relengapi.proxy.taskcluster;

import java.util.List;

/**
 * The RelengAPI permissions a task grants its proxy: for each scope {@value #PREFIX}PERMISSION, the PERMISSION,
 * in order and without duplicates. A wildcard cannot name a RelengAPI permission, so scopes whose rest holds a
 * {@code *} are set aside (and reported), never passed on.
 */
public record TaskScopes(List<String> permissions, List<String> ignoredWildcards) {
    public static final String PREFIX = "docker-worker:relengapi-proxy:";

    public static TaskScopes of(List<String> scopes) {
        List<String> ours = scopes.stream()
            .filter(scope -> scope != null && scope.startsWith(PREFIX) && scope.length() > PREFIX.length()).toList();
        List<String> wildcards = ours.stream().filter(scope -> scope.indexOf('*', PREFIX.length()) >= 0).toList();
        return new TaskScopes(ours.stream().filter(scope -> !wildcards.contains(scope))
            .map(scope -> scope.substring(PREFIX.length())).distinct().toList(), wildcards);
    }
}
