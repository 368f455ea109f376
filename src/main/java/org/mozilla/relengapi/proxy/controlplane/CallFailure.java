package org.mozilla.relengapi.proxy.controlplane;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** A failed call, in one line; retryable if it may heal by itself (no connection, a timeout, a 5xx), unlike a 4xx. */
public final class CallFailure extends Exception {
    private final boolean retryable;
    private final int status;

    public CallFailure(String message, boolean retryable) {
        this(message, retryable, 0);
    }

    CallFailure(String message, boolean retryable, int status) {
        super(message, null, false, false);
        this.retryable = retryable;
        this.status = status;
    }

    public boolean isRetryable() {
        return retryable;
    }

    /** The service's answer when it answered with a status other than 200, else 0. */
    public int status() {
        return status;
    }

    /** A short description of an I/O failure, for one-line messages. */
    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host " + t.getMessage();
            }
            if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
                return "timed out";
            }
            if (t instanceof SSLException) {
                return "TLS failure: " + messageOf(t);
            }
            if (t.getCause() == null || t.getCause() == t) {
                return messageOf(t);
            }
        }
        return "unknown failure";
    }

    /** Never null, never blank: the failure's type when it has no message. */
    public static String messageOf(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
