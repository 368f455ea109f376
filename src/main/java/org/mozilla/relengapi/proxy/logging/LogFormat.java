package org.mozilla.relengapi.proxy.logging;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.stream.Stream;
import org.slf4j.event.Level;

/**
 * How every log line of the process looks and where it goes: {@code text} for people on stderr, or {@code mozlog} (one
 * JSON object per line, Mozilla Dockerflow) on stdout. Process-wide because SLF4J's loggers are: chosen once, at start,
 * by {@link #use}. Exceptions are reduced to one line (type and message, with their causes): no stack traces.
 */
public enum LogFormat {
    TEXT, MOZLOG;

    private static final DateTimeFormatter TEXT_TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final String HOSTNAME = hostname();
    private static final long PID = ProcessHandle.current().pid();
    private static final Gson GSON = new Gson();
    /** Syslog severities, as mozlog uses them. */
    private static final Map<Level, Integer> SYSLOG_SEVERITY =
        Map.of(Level.ERROR, 3, Level.WARN, 4, Level.INFO, 6, Level.DEBUG, 7, Level.TRACE, 7);
    private static volatile LogFormat chosen = TEXT;

    public static Optional<LogFormat> parse(String name) {
        return Stream.of(values()).filter(format -> format.name().toLowerCase(Locale.ROOT).equals(name)).findFirst();
    }

    public static void use(LogFormat format) {
        chosen = format;
    }

    static void log(String logger, Level level, String message, Throwable failure) {
        String text = failure == null ? message : message + ": " + describe(failure);
        String thread = Thread.currentThread().getName();
        if (chosen == TEXT) {
            System.err.printf("%s:%-5s:%s:%s: %s%n", TEXT_TIME.format(Instant.now()), level, logger, thread, text);
            return;
        }
        JsonObject fields = new JsonObject();
        fields.addProperty("msg", text);
        fields.addProperty("logger", logger);
        fields.addProperty("thread", thread);
        mozlog(logger, SYSLOG_SEVERITY.get(level), fields);
    }

    /** A mozlog {@code request.summary} record (null values left out): one per request, in mozlog format only. */
    public static void requestSummary(Map<String, Object> fields) {
        mozlog("request.summary", 6, GSON.toJsonTree(fields));
    }

    private static void mozlog(String type, int severity, JsonElement fields) {
        Instant now = Instant.now();
        JsonObject record = new JsonObject();
        record.addProperty("Timestamp", now.getEpochSecond() * 1_000_000_000L + now.getNano());
        record.addProperty("Type", type);
        record.addProperty("Logger", "relengapi-proxy");
        record.addProperty("Hostname", HOSTNAME);
        record.addProperty("EnvVersion", "2.0");
        record.addProperty("Severity", severity);
        record.addProperty("Pid", PID);
        record.add("Fields", fields);
        System.out.println(record);
    }

    private static String describe(Throwable failure) {
        StringJoiner out = new StringJoiner("; caused by ");
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? "" : ": " + t.getMessage().lines().findFirst().orElse("");
            out.add(t.getClass().getName() + message);
        }
        return out.toString();
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
