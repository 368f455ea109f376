package org.mozilla.relengapi.proxy.logging;

import java.util.Locale;
import java.util.Optional;

/** How log lines look: {@code text} for people, {@code mozlog} (one JSON object per line) for Mozilla's log pipeline. */
public enum LogFormat {
    TEXT, MOZLOG;

    public static Optional<LogFormat> parse(String name) {
        for (LogFormat format : values()) {
            if (format.name().toLowerCase(Locale.ROOT).equals(name)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
