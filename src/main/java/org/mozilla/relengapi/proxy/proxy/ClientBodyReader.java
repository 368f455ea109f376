package org.mozilla.relengapi.proxy.proxy;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * Feeds the upstream request from the client's body without holding a thread while the client is slow: the
 * servlet container calls {@link #onDataAvailable} when bytes have arrived, this reads what is there, and it reads
 * again only once the upstream request has taken the previous bytes (so a slow upstream slows the client down
 * instead of filling memory).
 */
final class ClientBodyReader implements ReadListener {
    private final ServletInputStream input;
    private final UpstreamBody upstream;
    private final byte[] buffer;
    private final IntConsumer bytesRead;
    private final Consumer<Throwable> clientFailed;
    private final ReadLoop loop = new ReadLoop();
    private final AtomicBoolean failureReported = new AtomicBoolean();

    /**
     * @param bytesRead told how many bytes each read brought (for the metrics)
     * @param clientFailed told once if the client's body fails (ends early, breaks a chunk, times out)
     */
    ClientBodyReader(ServletInputStream input, UpstreamBody upstream, int bufferSize, IntConsumer bytesRead,
                     Consumer<Throwable> clientFailed) {
        this.input = input;
        this.upstream = upstream;
        this.buffer = new byte[bufferSize];
        this.bytesRead = bytesRead;
        this.clientFailed = clientFailed;
    }

    /** The upstream request's body: what the reader writes into; its length is the client's declared length. */
    static final class UpstreamBody extends AsyncRequestContent {
        private final long length;

        UpstreamBody(long length) {
            this.length = length;
        }

        @Override
        public long getLength() {
            return length;
        }

        /** None of its own (the client's Content-Type line, if any, is copied with the other headers). */
        @Override
        public String getContentType() {
            return null;
        }
    }

    /** Starts reading: the container calls back as soon as the client's bytes are there. */
    void start() {
        input.setReadListener(this);
    }

    @Override
    public void onDataAvailable() {
        loop.iterate();
    }

    @Override
    public void onAllDataRead() {
        upstream.close();
    }

    @Override
    public void onError(Throwable failure) {
        // The container and a failing read can both report the same failure: the proxy answers it once.
        if (failureReported.compareAndSet(false, true)) {
            clientFailed.accept(failure);
        }
    }

    /**
     * One buffer at a time: reads what the client has sent, hands it upstream, and (once the upstream has taken it)
     * reads on. It goes idle when the client has nothing more for now; {@link #onDataAvailable} wakes it. The
     * iterating callback keeps the stack flat when the upstream takes each buffer at once.
     */
    private final class ReadLoop extends IteratingCallback {
        private volatile boolean upstreamGone;

        @Override
        protected Action process() throws Exception {
            while (input.isReady()) {
                int read = input.read(buffer);
                if (read < 0) {
                    return Action.SUCCEEDED;
                }
                if (read > 0) {
                    bytesRead.accept(read);
                    upstream.write(ByteBuffer.wrap(buffer, 0, read), Callback.from(this::succeeded, this::upstreamRefused));
                    return Action.SCHEDULED;
                }
            }
            return Action.IDLE;
        }

        /** The upstream request failed or was aborted; that failure is reported where it happened, not here. */
        private void upstreamRefused(Throwable failure) {
            upstreamGone = true;
            failed(failure);
        }

        /** Reading failed (the client's fault) unless it was the upstream that stopped taking the bytes. */
        @Override
        protected void onCompleteFailure(Throwable failure) {
            if (!upstreamGone) {
                onError(failure);
            }
        }
    }
}
