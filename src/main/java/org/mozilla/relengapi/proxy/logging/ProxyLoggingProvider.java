package org.mozilla.relengapi.proxy.logging;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOP_FallbackServiceProvider;

/**
 * The SLF4J provider of the jar and the WAR, writing through {@link LogFormat}. Thresholds come from
 * {@code relengapi-proxy-logging.properties} ({@code <logger>.LEVEL=...}) and system properties of the same names.
 * Markers and MDC are the NOP provider's: the proxy uses neither.
 */
public final class ProxyLoggingProvider extends NOP_FallbackServiceProvider implements ILoggerFactory {
    private final Properties levels = new Properties();
    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();

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

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, n -> new ThresholdLogger(n, thresholdOf(n)));
    }

    /** The nearest enclosing name with a level wins; a level that is no SLF4J level means INFO. */
    private Level thresholdOf(String name) {
        String value = System.getProperty(name + ".LEVEL", levels.getProperty(name + ".LEVEL"));
        if (value != null) {
            return Stream.of(Level.values()).filter(level -> level.name().equalsIgnoreCase(value.strip())).findFirst()
                .orElse(Level.INFO);
        }
        return name.contains(".") ? thresholdOf(name.substring(0, name.lastIndexOf('.'))) : Level.INFO;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return this;
    }

    private static final class ThresholdLogger extends LegacyAbstractLogger {
        private final int threshold;

        ThresholdLogger(String name, Level threshold) {
            this.name = name;
            this.threshold = threshold.toInt();
        }

        @Override
        public boolean isTraceEnabled() {
            return Level.TRACE.toInt() >= threshold;
        }

        @Override
        public boolean isDebugEnabled() {
            return Level.DEBUG.toInt() >= threshold;
        }

        @Override
        public boolean isInfoEnabled() {
            return Level.INFO.toInt() >= threshold;
        }

        @Override
        public boolean isWarnEnabled() {
            return Level.WARN.toInt() >= threshold;
        }

        @Override
        public boolean isErrorEnabled() {
            return Level.ERROR.toInt() >= threshold;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable throwable) {
            LogFormat.log(name, level, MessageFormatter.basicArrayFormat(pattern, arguments), throwable);
        }
    }
}
