package org.mozilla.relengapi.proxy.testsupport;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Taskcluster queue at {@code <root>/api/queue/v1/task/<taskId>}: tasks are added with {@link #addTask}; unknown
 * ones get Taskcluster's 404. {@link #failNext} makes the next answers fail with a status.
 */
public final class FakeQueue extends FakeServer {
    private final QueueServlet servlet;

    private FakeQueue(QueueServlet servlet) {
        super(servlet);
        this.servlet = servlet;
    }

    public static FakeQueue start() {
        return new FakeQueue(new QueueServlet());
    }

    /** The root URL to give the proxy as {@code --root-url}. */
    public URI rootUrl() {
        return uri();
    }

    public FakeQueue addTask(String taskId, List<String> scopes) {
        return addTask(taskId, scopes, Instant.now().plusSeconds(3600));
    }

    public FakeQueue addTask(String taskId, List<String> scopes, Instant deadline) {
        JsonObject task = new JsonObject();
        JsonArray list = new JsonArray();
        scopes.forEach(list::add);
        task.add("scopes", list);
        if (deadline != null) {
            task.addProperty("deadline", deadline.toString());
        }
        task.addProperty("expires", Instant.now().plusSeconds(86400 * 30).toString());
        servlet.tasks.put(taskId, task.toString());
        return this;
    }

    public void failNext(int count, int status) {
        servlet.failures.set(count);
        servlet.failureStatus = status;
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(servlet.requests);
    }

    private static final class QueueServlet extends HttpServlet {
        private final Map<String, String> tasks = new ConcurrentHashMap<>();
        private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
        private final AtomicInteger failures = new AtomicInteger();
        private volatile int failureStatus = 500;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            requests.add(RecordedRequest.read(request));
            response.setContentType("application/json");
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                response.setStatus(failureStatus);
                response.getWriter().write("{\"code\":\"InternalServerError\",\"message\":\"queue is having a bad day\"}");
                return;
            }
            String prefix = "/api/queue/v1/task/";
            String path = request.getRequestURI();
            String task = path.startsWith(prefix) ? tasks.get(path.substring(prefix.length())) : null;
            if (task == null) {
                response.setStatus(404);
                response.getWriter().write("{\"code\":\"ResourceNotFound\",\"message\":\"Task not found\"}");
                return;
            }
            response.getWriter().write(task);
        }
    }
}
