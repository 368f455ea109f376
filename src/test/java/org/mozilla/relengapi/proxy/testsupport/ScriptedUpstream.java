package org.mozilla.relengapi.proxy.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An upstream on a raw socket that answers with bytes the test writes itself, for what a Jetty server cannot be
 * made to send: header bytes exactly as given, {@code 1xx} answers before the final one, trailers, a body that
 * breaks off, no answer at all. It records each request head byte for byte, as the proxy sent it. Connections are
 * kept alive: after an answer the next request is read from the same connection, unless the script closed it.
 */
public final class ScriptedUpstream extends TestServer {
    private final Script script;
    private ServerSocket socket;
    private final List<String> requestHeads = new CopyOnWriteArrayList<>();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    /** Answers one request. */
    @FunctionalInterface
    public interface Script {
        void answer(Exchange exchange) throws IOException;
    }

    /** One request: its head as received, and the connection to read its body from and write the answer to. */
    public record Exchange(String head, Socket socket, InputStream in, OutputStream out) {
        /** Writes {@code text} (ISO-8859-1, so each char is one byte) and flushes. */
        public void write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** Reads the request body, which must have a {@code Content-Length} (none means empty). */
        public byte[] readBody() throws IOException {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    return in.readNBytes(Integer.parseInt(line.substring(15).trim()));
                }
            }
            return new byte[0];
        }

        /** Ends the connection with a reset (SO_LINGER 0) rather than a clean close. */
        public void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }
    }

    public ScriptedUpstream(Script script) {
        this.script = script;
    }

    /** An upstream that answers every request with these bytes, exactly. */
    public static ScriptedUpstream answering(String response) {
        return new ScriptedUpstream(exchange -> exchange.write(response));
    }

    /** An upstream that sends these bytes and then closes the connection, as one that goes away mid-answer. */
    public static ScriptedUpstream droppingAfter(String partialResponse) {
        return new ScriptedUpstream(exchange -> {
            exchange.write(partialResponse);
            exchange.socket().close();
        });
    }

    /** An upstream that reads requests and never answers. */
    public static ScriptedUpstream silent() {
        return new ScriptedUpstream(exchange -> { });
    }

    public ScriptedUpstream start() throws Exception {
        open();
        return this;
    }

    @Override
    protected void startServing() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(this::acceptForever, "scripted-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @Override
    protected void forgetRequests() {
        requestHeads.clear();
    }

    @Override
    public URI uri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    /** Each request head received (request line and header lines, without the blank line), in order. */
    public List<String> requestHeads() {
        return List.copyOf(requestHeads);
    }

    public String lastRequestHead() {
        return requestHeads.isEmpty() ? null : requestHeads.get(requestHeads.size() - 1);
    }

    private void acceptForever() {
        ServerSocket socket = this.socket;
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                accepted.add(connection);
                Thread serve = new Thread(() -> serve(connection), "scripted-upstream-connection");
                serve.setDaemon(true);
                serve.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            InputStream in = connection.getInputStream();
            OutputStream out = connection.getOutputStream();
            for (String head; !connection.isClosed() && (head = readHead(in)) != null; ) {
                requestHeads.add(head);
                script.answer(new Exchange(head, connection, in, out));
            }
        } catch (IOException e) {
            // The proxy went away, or the script ended the connection: nothing more to answer.
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; (b = in.read()) >= 0; ) {
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == 4) {
                String text = head.toString(StandardCharsets.ISO_8859_1);
                return text.substring(0, text.length() - 4);
            }
        }
        return null;
    }

    @Override
    protected void stopServing() throws IOException {
        socket.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
