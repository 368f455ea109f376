package org.mozilla.relengapi.proxy.controlplane;

/** A credential that renders as {@code <redacted>}, so that no log line or message that includes it leaks it. */
public record Secret(String reveal) {

    public Secret {
        if (reveal.isEmpty()) {
            throw new IllegalArgumentException("a secret cannot be empty");
        }
    }

    /** For text that came from elsewhere, e.g. a service's error echoing the credential. */
    public String redactFrom(String text) {
        return text == null ? null : text.replace(reveal, "<redacted>");
    }

    @Override
    public String toString() {
        return "<redacted>";
    }
}
