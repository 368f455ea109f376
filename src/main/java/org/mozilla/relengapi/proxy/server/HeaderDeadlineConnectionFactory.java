package org.mozilla.relengapi.proxy.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
 * first bytes of the next request arrive; a kept-alive connection that sends nothing is left to the idle timeout. It
 * stops as the parser completes the headers: a request being handled is never cut, however long it takes.
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
        // Guarded by this. Only the parser's events (and open and close) start and stop the clock: Jetty's own state,
        // read from another thread, may be that of a request whose headers are complete (never to be cut).
        private Scheduler.Task clock;
        private long clocksStarted;
        private boolean anyHeadersComplete;
        private boolean headersPending;
        private long requestBegan;

        HeaderDeadlineConnection(HttpConfiguration configuration, Connector connector, EndPoint endPoint) {
            super(configuration, connector, endPoint);
            this.scheduler = connector.getScheduler();
        }

        @Override
        public void onOpen() {
            super.onOpen();
            // Reading began in super.onOpen(): another thread may already have begun or completed the first headers.
            synchronized (this) {
                if (clock == null && !anyHeadersComplete) {
                    startClock(deadline.toNanos());
                }
            }
        }

        // Headers that came in one read (nearly all) need no clock (a clock per request showed in the CPU profile): it
        // starts only for headers still incomplete after a read, with what is left of the deadline since their first byte.
        @Override
        public void onFillable() {
            super.onFillable();
            synchronized (this) {
                if (headersPending && clock == null) {
                    startClock(deadline.toNanos() - (System.nanoTime() - requestBegan));
                }
            }
        }

        // Called by HttpConnection's constructor, before the fields above are set; the handler uses them later.
        @Override
        protected RequestHandler newRequestHandler() {
            return new RequestHandler() {
                @Override
                public void messageBegin() {
                    super.messageBegin();
                    // Jetty also calls this when it finds nothing to read between requests.
                    if (!isRequestBufferEmpty()) {
                        requestBegins();
                    }
                }

                @Override
                public boolean headerComplete() {
                    headersComplete();
                    return super.headerComplete();
                }
            };
        }

        private synchronized void requestBegins() {
            headersPending = true;
            requestBegan = System.nanoTime();
        }

        private synchronized void headersComplete() {
            anyHeadersComplete = true;
            headersPending = false;
            stopClock();
        }

        private synchronized void startClock(long delayNanos) {
            long started = ++clocksStarted;
            clock = scheduler.schedule(() -> expire(started), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        }

        private synchronized void stopClock() {
            if (clock != null) {
                clock.cancel();
                clock = null;
            }
        }

        private void expire(long started) {
            synchronized (this) {
                // A clock stopped as it fired, or stopped and since started again, has nothing to say.
                if (clock == null || started != clocksStarted) {
                    return;
                }
                clock = null;
            }
            LOG.debug("closing {}: request headers not complete within {}", getEndPoint().getRemoteSocketAddress(), deadline);
            getEndPoint().close();
        }

        @Override
        public void onClose(Throwable cause) {
            stopClock();
            super.onClose(cause);
        }
    }
}
