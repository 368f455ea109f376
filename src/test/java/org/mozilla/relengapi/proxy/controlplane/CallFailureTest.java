package org.mozilla.relengapi.proxy.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** One-line descriptions of failures never say "null", whatever the failure carries. */
class CallFailureTest {

    @Test
    void aFailureWithoutAMessageIsDescribedByItsType() {
        assertEquals("IllegalStateException", CallFailure.describe(new IllegalStateException()));
        assertEquals("IllegalStateException", CallFailure.messageOf(new IllegalStateException()));
        assertEquals("EOFException", CallFailure.describe(new IOException("wrapped", new java.io.EOFException())));
    }

    @Test
    void aBlankMessageIsDescribedByItsType() {
        assertEquals("IOException", CallFailure.messageOf(new IOException(" ")));
    }

    @Test
    void aTimeoutWithoutAMessageIsATimeout() {
        assertEquals("timed out", CallFailure.describe(new TimeoutException()));
    }
}
