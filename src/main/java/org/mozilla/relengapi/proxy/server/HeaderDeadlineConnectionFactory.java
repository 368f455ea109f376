package org.mozilla.relengapi.proxy.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/1.1 connections whose clients must finish each request's headers within a deadline, else the connection is
 * closed. Jetty has no such limit, and its idle timeout never fires while a byte arrives now and then, so a
 * slowloris client (headers trickled a byte at a time) would hold its connection for as long as it likes.
 *
 * <p>The clock starts when the connection opens (for the first request) and, on a kept-alive connection, when the
 * first bytes of the next request arrive; a kept-alive connection that sends nothing is left to the idle timeout.
 */
final class HeaderDeadlineConnectionFactory extends HttpConnectionFactory {
    private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadlineConnectionFactory.class);

    private final Duration deadline;

    HeaderDeadlineConnectionFactory(HttpConfiguration configuration, Duration deadline) {
        super(configuration);
        this.deadline = deadline;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        HeaderDeadlineConnection connection = new HeaderDeadlineConnection(getHttpConfiguration(), connector, endPoint);
        connection.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
        connection.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }

    private final class HeaderDeadlineConnection extends HttpConnection {
        private final Scheduler scheduler;
        private Scheduler.Task clock;
        // Jetty counts a request when its headers are complete: the timed request is done once this has moved on.
        private long requestsWhenStarted;

        HeaderDeadlineConnection(HttpConfiguration configuration, Connector connector, EndPoint endPoint) {
            super(configuration, connector, endPoint);
            this.scheduler = connector.getScheduler();
        }

        @Override
        public void onOpen() {
            super.onOpen();
            startClock();
        }

        @Override
        public void onFillable() {
            super.onFillable();
            HttpParser parser = getParser();
            if (parser.inHeaderState() && !parser.isStart()) {
                synchronized (this) {
                    if (clock == null || requestsWhenStarted != getMessagesIn()) {
                        startClock();
                    }
                }
            }
        }

        private synchronized void startClock() {
            if (clock != null) {
                clock.cancel();
            }
            long requests = getMessagesIn();
            requestsWhenStarted = requests;
            clock = scheduler.schedule(() -> expire(requests), deadline.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void expire(long requests) {
            synchronized (this) {
                if (getMessagesIn() != requests || requestsWhenStarted != requests) {
                    return;
                }
                clock = null;
            }
            LOG.debug("closing {}: request headers not complete within {}", getEndPoint().getRemoteSocketAddress(), deadline);
            getEndPoint().close();
        }

        @Override
        public void onClose(Throwable cause) {
            synchronized (this) {
                if (clock != null) {
                    clock.cancel();
                    clock = null;
                }
            }
            super.onClose(cause);
        }
    }
}
