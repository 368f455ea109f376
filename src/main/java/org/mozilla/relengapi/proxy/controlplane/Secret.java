package org.mozilla.relengapi.proxy.controlplane;

/**
 * A credential. It renders as {@code <redacted>} so that no log line, exception message or debug dump that
 * happens to include it can leak it; only {@link #reveal()} gives the value, for the one header that needs it.
 */
public record Secret(String reveal) {

    public Secret {
        if (reveal.isEmpty()) {
            throw new IllegalArgumentException("a secret cannot be empty");
        }
    }

    /** Replaces every occurrence of this secret in {@code text}, for text that came from elsewhere. */
    public String redactFrom(String text) {
        return text == null ? null : text.replace(reveal, "<redacted>");
    }

    @Override
    public String toString() {
        return "<redacted>";
    }
}
