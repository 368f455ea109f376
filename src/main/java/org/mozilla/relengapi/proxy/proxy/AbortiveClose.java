package org.mozilla.relengapi.proxy.proxy;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import org.eclipse.jetty.io.EndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the next close of a client's connection abortive (a reset, SO_LINGER 0), so that a client whose answer was
 * cut sees an error rather than a clean end, which an HTTP/1.0 client takes for the whole body.
 */
public final class AbortiveClose {
    private static final Logger LOG = LoggerFactory.getLogger(AbortiveClose.class);

    private AbortiveClose() {
    }

    public static void arm(EndPoint endPoint) {
        if (endPoint.getTransport() instanceof NetworkChannel channel) {
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | UnsupportedOperationException e) {
                LOG.debug("cannot make the client's connection reset on close (already closed?)", e);
            }
        }
    }
}
