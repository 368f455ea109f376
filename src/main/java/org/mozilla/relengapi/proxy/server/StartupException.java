package org.mozilla.relengapi.proxy.server;

/** Start-up could not complete; the message is the one line shown to the operator. */
public final class StartupException extends RuntimeException {
    public StartupException(String message) {
        super(message, null, false, false);
    }
}
