package org.mozilla.relengapi.proxy.controlplane;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Short, human descriptions of I/O failures, for one-line error messages. */
public final class Failures {

    private Failures() {
    }

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

    /** The failure's own message, or its type when it has none: never null, never blank. */
    public static String messageOf(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
