package org.mozilla.relengapi.proxy.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** How an {@link HttpFake} answers one request: a status, headers in order, and a body or a failure mode. */
public record Answer(int status, List<Map.Entry<String, String>> headers, Body body) {
    /** What follows the head. */
    public sealed interface Body {
    }

    /** A whole body (UTF-8); empty when null. */
    public record Text(String text) implements Body {
    }

    /**
     * {@code length} bytes of the {@link Digests#patternByte} pattern, pausing after each 64 KiB; with
     * {@code blocking} false, written from a write listener so that hundreds of stalled downloads hold no thread.
     * One the client does not take to its end counts in {@link HttpFake#abortedStreams}.
     */
    public record Pattern(long length, Duration pause, boolean blocking) implements Body {
    }

    /** The first byte of a 1000-byte body, then nothing for 30 s: a server stalled mid-answer. */
    public record StallMidBody() implements Body {
    }

    public static Answer status(int status) {
        return new Answer(status, List.of(), new Text(null));
    }

    public static Answer json(int status, String json) {
        return new Answer(status, List.of(Map.entry("Content-Type", "application/json")), new Text(json));
    }

    public static Answer patternBytes(long length, Duration pause, boolean blocking) {
        return new Answer(200, List.of(Map.entry("Content-Type", "application/octet-stream")),
            new Pattern(length, pause, blocking));
    }

    public static Answer stallMidBody() {
        return new Answer(200, List.of(Map.entry("Content-Type", "application/json")), new StallMidBody());
    }

    /** This answer with one more header, after the others. */
    public Answer header(String name, String value) {
        List<Map.Entry<String, String>> more = new ArrayList<>(headers);
        more.add(Map.entry(name, value));
        return new Answer(status, List.copyOf(more), body);
    }

    public Answer text(String text) {
        return new Answer(status, headers, new Text(text));
    }
}
