package org.mozilla.relengapi.proxy.controlplane;

import java.util.Objects;

/**
 * A credential. It renders as {@code <redacted>} so that no log line, exception message or debug dump that
 * happens to include it can leak it; only {@link #reveal()} gives the value, for the one header that needs it.
 */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("a secret cannot be empty");
        }
    }

    public String reveal() {
        return value;
    }

    /** Replaces every occurrence of this secret in {@code text}, for text that came from elsewhere. */
    public String redactFrom(String text) {
        return text == null ? null : text.replace(value, "<redacted>");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret that && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "<redacted>";
    }
}
