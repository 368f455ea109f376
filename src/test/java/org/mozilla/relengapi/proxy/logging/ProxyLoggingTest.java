package org.mozilla.relengapi.proxy.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mozilla.relengapi.proxy.testsupport.SecretLeakCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The proxy's own SLF4J provider, through the SLF4J API as Jetty and the proxy use it. */
class ProxyLoggingTest {

    private static List<String> linesWith(String marker) {
        return SecretLeakCheck.captured().lines().filter(line -> line.contains(marker)).toList();
    }

    @Test
    void anExceptionIsOneLineWithItsCausesAndNoStackTrace() {
        String marker = "marker-" + System.nanoTime();
        LoggerFactory.getLogger("org.mozilla.relengapi.proxy.test").warn("failed {}", marker,
            new IllegalStateException("outer", new java.io.IOException("inner")));
        List<String> lines = linesWith(marker);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).contains(":WARN :org.mozilla.relengapi.proxy.test:"), lines.get(0));
        assertTrue(lines.get(0).endsWith("failed " + marker
            + ": java.lang.IllegalStateException: outer; caused by java.io.IOException: inner"), lines.get(0));
        assertFalse(SecretLeakCheck.captured().contains("\tat org.mozilla.relengapi.proxy.logging.ProxyLoggingTest"));
    }

    @Test
    void jettyIsQuietBelowWarningsAndTheProxyLogsInfo() {
        Logger jetty = LoggerFactory.getLogger("org.eclipse.jetty.server.Server");
        Logger parser = LoggerFactory.getLogger("org.eclipse.jetty.http.HttpParser");
        Logger proxy = LoggerFactory.getLogger("org.mozilla.relengapi.proxy.server.Launcher");
        assertFalse(jetty.isInfoEnabled());
        assertTrue(jetty.isWarnEnabled());
        assertFalse(parser.isWarnEnabled());
        assertTrue(proxy.isInfoEnabled());
        assertFalse(proxy.isDebugEnabled());
    }
}
