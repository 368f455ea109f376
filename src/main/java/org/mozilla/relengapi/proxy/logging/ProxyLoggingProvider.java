package org.mozilla.relengapi.proxy.logging;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of the jar and the WAR: Jetty's and the proxy's log lines in text or mozlog (see
 * {@link LogOutput}). Thresholds come from {@code relengapi-proxy-logging.properties} ({@code <logger>.LEVEL=...},
 * the nearest enclosing name wins) and can be overridden with system properties of the same names, e.g.
 * {@code -Dorg.mozilla.relengapi.proxy.LEVEL=DEBUG}.
 */
public final class ProxyLoggingProvider implements SLF4JServiceProvider {
    private final Properties levels = new Properties();
    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, n -> new ProxyLogger(n, thresholdOf(n)));
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public void initialize() {
        try (InputStream in = ProxyLoggingProvider.class.getResourceAsStream("/relengapi-proxy-logging.properties")) {
            if (in != null) {
                levels.load(in);
            }
        } catch (IOException e) {
            // Without the file every logger is at INFO.
        }
    }

    private Level thresholdOf(String name) {
        for (String scope = name; ; scope = scope.substring(0, scope.lastIndexOf('.'))) {
            String value = System.getProperty(scope + ".LEVEL", levels.getProperty(scope + ".LEVEL"));
            if (value != null) {
                return parse(value);
            }
            if (scope.lastIndexOf('.') < 0) {
                return Level.INFO;
            }
        }
    }

    private static Level parse(String value) {
        try {
            return Level.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Level.INFO;
        }
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }
}
