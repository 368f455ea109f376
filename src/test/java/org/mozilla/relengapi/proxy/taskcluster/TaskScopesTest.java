package org.mozilla.relengapi.proxy.taskcluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TaskScopesTest {
    private static final String P = TaskScopes.PREFIX;

    @Test
    void keepsTheRestOfEachProxyScopeInOrder() {
        assertEquals(List.of("tooltool.download.internal", "mapper.query"),
            TaskScopes.of(List.of(P + "tooltool.download.internal", "queue:route:x", P + "mapper.query")).permissions());
    }

    @Test
    void ignoresScopesWithOtherPrefixes() {
        assertEquals(List.of(), TaskScopes.of(List.of("docker-worker:relengapi-proxy", "docker-worker:cache:x",
            "xdocker-worker:relengapi-proxy:a")).permissions());
    }

    @Test
    void skipsAnEmptyRest() {
        assertEquals(List.of("a"), TaskScopes.of(List.of(P, P + "a")).permissions());
    }

    @Test
    void setsWildcardsAsideAndReportsThem() {
        TaskScopes scopes = TaskScopes.of(List.of(P + "*", P + "tooltool.*", P + "tooltool.download.public"));
        assertEquals(List.of("tooltool.download.public"), scopes.permissions());
        assertEquals(List.of(P + "*", P + "tooltool.*"), scopes.ignoredWildcards());
    }

    @Test
    void removesDuplicatesKeepingTheFirstPosition() {
        assertEquals(List.of("b", "a"), TaskScopes.of(List.of(P + "b", P + "a", P + "b")).permissions());
    }

    @Test
    void noScopesGiveNoPermissions() {
        assertEquals(List.of(), TaskScopes.of(List.of()).permissions());
    }
}
