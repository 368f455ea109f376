package org.mozilla.relengapi.proxy.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** One-line descriptions of failures never say "null", whatever the failure carries. */
class FailuresTest {

    @Test
    void aFailureWithoutAMessageIsDescribedByItsType() {
        assertEquals("IllegalStateException", Failures.describe(new IllegalStateException()));
        assertEquals("IllegalStateException", Failures.messageOf(new IllegalStateException()));
        assertEquals("EOFException", Failures.describe(new IOException("wrapped", new java.io.EOFException())));
    }

    @Test
    void aBlankMessageIsDescribedByItsType() {
        assertEquals("IOException", Failures.messageOf(new IOException(" ")));
    }

    @Test
    void aTimeoutWithoutAMessageIsATimeout() {
        assertEquals("timed out", Failures.describe(new TimeoutException()));
    }
}
