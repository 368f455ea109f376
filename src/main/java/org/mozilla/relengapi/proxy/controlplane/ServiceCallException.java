package org.mozilla.relengapi.proxy.controlplane;

/**
 * A failed call to the queue or the token service. {@code retryable} is true for failures that may heal by
 * themselves (no connection, a timeout, a 5xx); a 4xx will not change by asking again soon.
 */
public final class ServiceCallException extends Exception {
    private final boolean retryable;

    public ServiceCallException(String message, boolean retryable) {
        super(message, null, false, false);
        this.retryable = retryable;
    }

    public boolean isRetryable() {
        return retryable;
    }

    /** Classifies an HTTP status that is not a success. */
    public static boolean isRetryableStatus(int status) {
        return status >= 500 || status == 408 || status == 429;
    }
}
