package org.mozilla.relengapi.proxy.proxy;

import java.io.IOException;
import org.eclipse.jetty.io.EndPoint;

/**
 * Why a client connection was closed by the proxy's own stop, once its grace period was over: the exchange on it
 * was cut on purpose, and no upstream failed.
 */
public final class StopCutException extends IOException {
    public StopCutException() {
        super("cut: still running when the stop's grace period ended");
    }

    /** Cuts a client connection the stop could not wait for: a reset, so that its client sees an error, not an end. */
    public static void cut(EndPoint endPoint) {
        ClientExchange.resetOnClose(endPoint);
        endPoint.close(new StopCutException());
    }

    static boolean isCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StopCutException) {
                return true;
            }
        }
        return false;
    }
}
