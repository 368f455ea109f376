package org.mozilla.relengapi.proxy.logging;

import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * Where every log line of the process goes, in the chosen {@link LogFormat}: text on stderr, or mozlog JSON on
 * stdout (Mozilla Dockerflow). The format is process-wide because SLF4J's loggers are: it is chosen once, at start,
 * by {@link #use}. Exceptions are reduced to one line (type and message, with their causes): no stack traces.
 */
public final class LogOutput {
    private static final DateTimeFormatter TEXT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final String HOSTNAME = hostname();
    private static final long PID = ProcessHandle.current().pid();
    private static volatile LogFormat format = LogFormat.TEXT;

    private LogOutput() {
    }

    public static void use(LogFormat chosen) {
        format = chosen;
    }

    public static LogFormat format() {
        return format;
    }

    /** One log line from a logger. */
    static void log(String logger, Level level, String message, Throwable failure) {
        String text = failure == null ? message : message + ": " + describe(failure);
        if (format == LogFormat.MOZLOG) {
            JsonObject fields = new JsonObject();
            fields.addProperty("msg", text);
            fields.addProperty("logger", logger);
            fields.addProperty("thread", Thread.currentThread().getName());
            mozlog(logger, severity(level), fields, System.out);
        } else {
            LocalDateTime now = LocalDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
            System.err.println(TEXT_TIME.format(now) + ":" + String.format("%-5s", level) + ":" + logger + ":"
                + Thread.currentThread().getName() + ": " + text);
        }
    }

    /** A mozlog {@code request.summary} record: one per request, in mozlog format only. */
    public static void requestSummary(Map<String, Object> fields) {
        JsonObject json = new JsonObject();
        fields.forEach((key, value) -> {
            if (value instanceof Number number) {
                json.addProperty(key, number);
            } else if (value != null) {
                json.addProperty(key, value.toString());
            }
        });
        mozlog("request.summary", 6, json, System.out);
    }

    private static void mozlog(String type, int severity, JsonObject fields, PrintStream out) {
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
        out.println(record);
    }

    /** Syslog severities, as mozlog uses them. */
    private static int severity(Level level) {
        return switch (level) {
            case ERROR -> 3;
            case WARN -> 4;
            case INFO -> 6;
            case DEBUG, TRACE -> 7;
        };
    }

    private static String describe(Throwable failure) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (out.length() > 0) {
                out.append("; caused by ");
            }
            out.append(t.getClass().getName());
            if (t.getMessage() != null) {
                out.append(": ").append(t.getMessage().lines().findFirst().orElse(""));
            }
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
