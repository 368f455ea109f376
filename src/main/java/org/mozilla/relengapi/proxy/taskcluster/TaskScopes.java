package org.mozilla.relengapi.proxy.taskcluster;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The RelengAPI permissions a task grants its proxy: for each scope {@value #PREFIX}PERMISSION, the PERMISSION,
 * in order and without duplicates. A wildcard cannot name a RelengAPI permission, so scopes whose rest holds a
 * {@code *} are set aside (and reported), never passed on.
 */
public record TaskScopes(List<String> permissions, List<String> ignoredWildcards) {

    public static final String PREFIX = "docker-worker:relengapi-proxy:";

    public TaskScopes {
        permissions = List.copyOf(permissions);
        ignoredWildcards = List.copyOf(ignoredWildcards);
    }

    public static TaskScopes of(List<String> scopes) {
        Set<String> permissions = new LinkedHashSet<>();
        List<String> wildcards = new ArrayList<>();
        for (String scope : scopes) {
            if (scope == null || !scope.startsWith(PREFIX)) {
                continue;
            }
            String permission = scope.substring(PREFIX.length());
            if (permission.isEmpty()) {
                continue;
            }
            if (permission.contains("*")) {
                wildcards.add(scope);
            } else {
                permissions.add(permission);
            }
        }
        return new TaskScopes(new ArrayList<>(permissions), wildcards);
    }
}
