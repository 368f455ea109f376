package org.mozilla.relengapi.proxy.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Sends bytes exactly as given, for requests an HTTP client library refuses to make (absolute-form targets,
 * raw dot-segments, hop-by-hop tricks), and returns what came back, read until the server closes or goes quiet.
 */
public final class RawHttp {

    private RawHttp() {
    }

    public static Response send(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            // Generous: an answer that a loaded machine sends after this is taken for the whole (partial) answer.
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new Response(read(socket, true));
        }
    }

    /**
     * Writes {@code request}, closes the sending half (the server sees the end of the input) and reads until the
     * server closes. A reset counts as the end of the answer.
     *
     * @throws SocketTimeoutException if the server neither answers nor closes within {@code timeout}
     */
    public static Response exchangeAndHalfClose(int port, byte[] request, Duration timeout) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            try {
                socket.getOutputStream().write(request);
                socket.shutdownOutput();
            } catch (SocketException e) {
                return new Response("");
            }
            return new Response(read(socket, false));
        }
    }

    /** How the server ended a connection: a clean close (FIN) or an abortive one (RST). */
    public enum Ending { CLOSED, RESET }

    /** What came back on a connection the server ended, and how it ended it. */
    public record Ended(String text, Ending ending) {
    }

    /**
     * Writes {@code request} and reads until the server ends the connection, telling a clean close from a reset.
     *
     * @throws SocketTimeoutException if the server neither closes nor resets within {@code timeout}
     */
    public static Ended sendUntilEnded(int port, String request, Duration timeout) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                }
            } catch (SocketException e) {
                return new Ended(received.toString(StandardCharsets.ISO_8859_1), Ending.RESET);
            }
            return new Ended(received.toString(StandardCharsets.ISO_8859_1), Ending.CLOSED);
        }
    }

    /**
     * Reads until the server closes, resets, or (if {@code stopWhenComplete}) one whole response has arrived; in
     * that mode a server that goes quiet ends the answer too, else it is a {@link SocketTimeoutException}.
     */
    /** Reads up to and including the blank line that ends a response head, byte by byte so the body stays unread. */
    public static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static String read(Socket socket, boolean stopWhenComplete) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                received.write(buffer, 0, n);
                if (stopWhenComplete && Response.isComplete(received.toString(StandardCharsets.ISO_8859_1))) {
                    break;
                }
            }
        } catch (SocketException e) {
            // Reset by the server, typically after refusing the request: what arrived before is the answer.
        } catch (SocketTimeoutException e) {
            if (!stopWhenComplete) {
                throw e;
            }
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    /** The raw text of a response; {@link #status()} is 0 if nothing came back. */
    public record Response(String text) {
        public int status() {
            if (!text.startsWith("HTTP/")) {
                return 0;
            }
            return Integer.parseInt(text.substring(9, 12));
        }

        public String body() {
            int end = text.indexOf("\r\n\r\n");
            return end < 0 ? "" : text.substring(end + 4);
        }

        static boolean isComplete(String text) {
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                return false;
            }
            String head = text.substring(0, end).toLowerCase(java.util.Locale.ROOT);
            int at = head.indexOf("content-length:");
            if (at < 0) {
                return head.contains("transfer-encoding: chunked") ? text.endsWith("0\r\n\r\n") : false;
            }
            int lineEnd = head.indexOf("\r\n", at);
            long length = Long.parseLong(head.substring(at + 15, lineEnd < 0 ? head.length() : lineEnd).trim());
            return text.length() - end - 4 >= length;
        }
    }
}
