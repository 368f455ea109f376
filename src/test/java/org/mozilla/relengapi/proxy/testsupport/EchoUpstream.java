package org.mozilla.relengapi.proxy.testsupport;

import com.google.gson.Gson;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream that records what it received and answers with a JSON description of it. Paths ending in
 * {@code /status/N} answer status N; {@code /redirect} answers 302; {@code /bytes/N} streams N bytes of the
 * {@link Digests#patternByte} pattern, pausing {@code pauseMs} after each 64 KiB if asked; {@code /quoted-redirect}
 * answers 302 with a JSON-valued {@code NEL} header before its {@code Location}, and a quoted file name;
 * {@code /async-bytes/N} streams the pattern without holding a thread while the proxy is slow to take them (for hundreds of stalled downloads).
 */
public final class EchoUpstream extends FakeServer {
    /** The headers of {@code /quoted-redirect}, which Jetty's proxy servlet used to mangle or lose. */
    public static final String NEL = "{\"report_to\":\"default\",\"max_age\":2592000}";
    public static final String CONTENT_DISPOSITION = "attachment; filename=\"build;v2.tar.gz\"";
    private final EchoServlet servlet;

    private EchoUpstream(EchoServlet servlet, TestCertificates tls) {
        super(servlet, tls);
        this.servlet = servlet;
    }

    public static EchoUpstream start(String name) {
        return new EchoUpstream(new EchoServlet(name), null);
    }

    /** An echo over HTTPS, with a server certificate for 127.0.0.1 signed by the test CA. */
    public static EchoUpstream startHttps(String name, TestCertificates tls) {
        return new EchoUpstream(new EchoServlet(name), tls);
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(servlet.requests);
    }

    public RecordedRequest lastRequest() {
        List<RecordedRequest> all = servlet.requests;
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    public void clear() {
        servlet.requests.clear();
    }

    /** How many streamed bodies ended early because the other side (the proxy) went away. */
    public int abortedStreams() {
        return servlet.aborted.get();
    }

    /** The JSON an echo answers with, parsed. */
    public record Echo(String upstream, String method, String path, String query, String authorization,
                       Map<String, List<String>> headers, long bodyLength, String bodySha256) {
        public static Echo parse(String json) {
            return new Gson().fromJson(json, Echo.class);
        }
    }

    private static void pause(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        }
    }

    private static final class EchoServlet extends HttpServlet {
        private final String name;
        private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
        private final AtomicInteger aborted = new AtomicInteger();

        EchoServlet(String name) {
            this.name = name;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            RecordedRequest recorded = RecordedRequest.read(request);
            requests.add(recorded);
            String path = recorded.rawPath();
            String[] segments = path.split("/");
            String last = segments.length > 0 ? segments[segments.length - 1] : "";
            String beforeLast = segments.length > 1 ? segments[segments.length - 2] : "";
            response.setHeader("X-Upstream", name);
            if (beforeLast.equals("status")) {
                response.setStatus(Integer.parseInt(last));
                response.setHeader("X-Custom-Response", "kept");
                response.getWriter().write("upstream " + name + " says " + last);
            } else if (last.equals("redirect")) {
                response.setStatus(302);
                // To this very upstream: a proxy that followed it would show a second request here.
                response.setHeader("Location", "http://127.0.0.1:" + request.getLocalPort() + "/followed");
            } else if (last.equals("quoted-redirect")) {
                response.setStatus(302);
                response.addHeader("NEL", NEL);
                response.addHeader("Location", "http://127.0.0.1:" + request.getLocalPort() + "/followed");
                response.addHeader("Content-Disposition", CONTENT_DISPOSITION);
            } else if (beforeLast.equals("bytes")) {
                String pause = request.getParameter("pauseMs");
                try {
                    stream(response, Long.parseLong(last), pause == null ? 0 : Long.parseLong(pause));
                } catch (IOException e) {
                    aborted.incrementAndGet();
                    throw e;
                }
            } else if (beforeLast.equals("async-bytes")) {
                streamWithoutBlocking(request, response, Long.parseLong(last));
            } else {
                echo(response, recorded);
            }
        }

        private void echo(HttpServletResponse response, RecordedRequest recorded) throws IOException {
            Map<String, Object> echo = new LinkedHashMap<>();
            echo.put("upstream", name);
            echo.put("method", recorded.method());
            echo.put("path", recorded.rawPath());
            echo.put("query", recorded.query());
            echo.put("authorization", recorded.header("Authorization"));
            echo.put("headers", recorded.headers());
            echo.put("bodyLength", recorded.bodyLength());
            echo.put("bodySha256", recorded.bodySha256());
            response.setContentType("application/json");
            response.getWriter().write(new Gson().toJson(echo));
        }

        private void streamWithoutBlocking(HttpServletRequest request, HttpServletResponse response, long length)
            throws IOException {
            response.setContentType("application/octet-stream");
            response.setContentLengthLong(length);
            AsyncContext async = request.startAsync();
            async.setTimeout(0);
            ServletOutputStream out = response.getOutputStream();
            out.setWriteListener(new WriteListener() {
                private final byte[] buffer = new byte[64 * 1024];
                private long done;

                @Override
                public void onWritePossible() throws IOException {
                    while (out.isReady()) {
                        if (done == length) {
                            async.complete();
                            return;
                        }
                        int n = (int) Math.min(buffer.length, length - done);
                        Digests.fillPattern(buffer, done, n);
                        out.write(buffer, 0, n);
                        done += n;
                    }
                }

                @Override
                public void onError(Throwable failure) {
                    aborted.incrementAndGet();
                    async.complete();
                }
            });
        }

        private static void stream(HttpServletResponse response, long length, long pauseMillis) throws IOException {
            response.setContentType("application/octet-stream");
            response.setContentLengthLong(length);
            byte[] buffer = new byte[64 * 1024];
            ServletOutputStream out = response.getOutputStream();
            for (long done = 0; done < length; ) {
                int n = (int) Math.min(buffer.length, length - done);
                Digests.fillPattern(buffer, done, n);
                out.write(buffer, 0, n);
                done += n;
                if (pauseMillis > 0) {
                    out.flush();
                    pause(pauseMillis);
                }
            }
        }
    }
}
