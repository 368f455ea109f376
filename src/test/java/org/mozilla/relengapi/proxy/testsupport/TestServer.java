package org.mozilla.relengapi.proxy.testsupport;

import java.net.URI;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The lifecycle every fake and the proxy under test share, as one JUnit extension. In a static
 * {@code @RegisterExtension} field it starts before the class's first test, forgets recorded requests before each
 * test and stops after the last; in an instance field it starts and stops around each test. Outside an extension,
 * each subclass's {@code start()} and {@link #close()}; starting and closing twice are harmless.
 */
public abstract class TestServer implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
    AfterAllCallback, AutoCloseable {
    private boolean open;
    private boolean perTest;

    protected abstract void startServing() throws Exception;

    protected abstract void stopServing() throws Exception;

    /** Where a client reaches this server. */
    public abstract URI uri();

    /** Forgets the requests recorded so far, so that a test sees its own only. */
    protected void forgetRequests() {
    }

    /** Called once started by the extension, before any test uses the server. */
    protected void ready() throws Exception {
    }

    protected final synchronized void open() throws Exception {
        if (!open) {
            startServing();
            open = true;
        }
    }

    @Override
    public final synchronized void close() throws Exception {
        if (open) {
            open = false;
            stopServing();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        open();
        ready();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (isOpen()) {
            forgetRequests();
        } else {
            perTest = true;
            open();
            ready();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (perTest) {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    private synchronized boolean isOpen() {
        return open;
    }
}
