package org.mozilla.relengapi.proxy.proxy;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.function.Consumer;
import org.eclipse.jetty.util.Callback;

/**
 * Writes the upstream's body to the client without holding a thread while the client is slow: a chunk is handed
 * to the container, and the chunk's callback (which asks the upstream for the next one) completes only once the
 * container has written it, so a slow client slows the upstream read down instead of filling memory.
 *
 * <p>The upstream hands over one chunk at a time (the next only after the previous callback), so at most one
 * chunk is here at any time.
 */
final class ClientResponseWriter implements WriteListener {
    private final ServletOutputStream output;
    private final Consumer<Throwable> clientFailed;
    private boolean listening;
    private Chunk pending;
    private boolean written;

    /**
     * @param clientFailed called, before the pending chunk's callback fails, if the client cannot be written to (it
     *                     went away, or timed out): the failure that follows is the client's, not the upstream's
     */
    ClientResponseWriter(ServletOutputStream output, Consumer<Throwable> clientFailed) {
        this.output = output;
        this.clientFailed = clientFailed;
    }

    private record Chunk(byte[] bytes, int offset, int length, Callback callback) {
    }

    /** Writes the bytes when the client can take them; {@code callback} completes once they are written. */
    void write(byte[] bytes, int offset, int length, Callback callback) {
        boolean first;
        synchronized (this) {
            pending = new Chunk(bytes, offset, length, callback);
            written = false;
            first = !listening;
            listening = true;
        }
        if (first) {
            // The container calls onWritePossible as soon as the output is ready, possibly on another thread.
            output.setWriteListener(this);
        } else {
            // The previous chunk's write completed, so the output is ready for this one.
            writeOrComplete();
        }
    }

    @Override
    public void onWritePossible() {
        writeOrComplete();
    }

    /**
     * Writes the pending chunk; if the container took it all at once, completes it now, else leaves it for the
     * container's next {@link #onWritePossible}, which comes when the write has finished.
     */
    private void writeOrComplete() {
        Chunk chunk;
        Throwable failure = null;
        synchronized (this) {
            chunk = pending;
            if (chunk == null) {
                return;
            }
            try {
                if (!written) {
                    written = true;
                    output.write(chunk.bytes(), chunk.offset(), chunk.length());
                }
                if (!output.isReady()) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
            pending = null;
        }
        // Outside the lock: succeeding asks the upstream for its next chunk, which may arrive here at once, and
        // failing aborts the upstream response.
        if (failure == null) {
            chunk.callback().succeeded();
        } else {
            clientFailed.accept(failure);
            chunk.callback().failed(failure);
        }
    }

    @Override
    public void onError(Throwable failure) {
        Chunk chunk;
        synchronized (this) {
            chunk = pending;
            pending = null;
        }
        clientFailed.accept(failure);
        if (chunk != null) {
            chunk.callback().failed(failure);
        }
    }
}
