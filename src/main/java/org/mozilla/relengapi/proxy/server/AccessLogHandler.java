package org.mozilla.relengapi.proxy.server;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.mozilla.relengapi.proxy.logging.LogFormat;

/**
 * One access-log line per request: client, method, path (never the query), status, body bytes sent, duration; in
 * mozlog, a {@code request.summary} record ({@code errno} is 0 for a success). Never a header, so never a token.
 *
 * <p>It logs when the request's own callback completes, inside the {@link
 * org.eclipse.jetty.server.handler.GracefulHandler}, so a graceful stop waits for the line too.
 */
final class AccessLogHandler extends Handler.Wrapper {
    private final LogFormat format;
    private final PrintStream text;

    AccessLogHandler(Handler handler, LogFormat format, PrintStream text) {
        super(handler);
        this.format = format;
        this.text = text;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return super.handle(request, response, new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                log(request, response);
                super.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                log(request, response);
                super.failed(failure);
            }
        });
    }

    private void log(Request request, Response response) {
        int status = response.getStatus();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - request.getBeginNanoTime());
        long bytes = Response.getContentBytesWritten(response);
        String path = request.getHttpURI().getPath();
        if (format == LogFormat.MOZLOG) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("method", request.getMethod());
            fields.put("path", path);
            fields.put("code", status);
            fields.put("errno", status < 400 ? 0 : status);
            fields.put("t", millis);
            fields.put("bytes", bytes);
            LogFormat.requestSummary(fields);
        } else {
            text.println(Request.getRemoteAddr(request) + " \"" + request.getMethod() + " " + path + "\" " + status + " "
                + bytes + " bytes " + millis + " ms");
        }
    }
}
