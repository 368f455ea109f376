package org.mozilla.relengapi.proxy.cli;

import com.beust.jcommander.DefaultUsageFormatter;
import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mozilla.relengapi.proxy.controlplane.EgressProxies;
import org.mozilla.relengapi.proxy.controlplane.Secret;
import org.mozilla.relengapi.proxy.logging.LogFormat;

/**
 * Parses {@code relengapi-proxy [options] -- <taskId>}. Errors are one line that names the problem and never
 * repeats an option's value when that value could be a token.
 */
public final class CommandLine {
    public static final String PROGRAM = "relengapi-proxy";
    public static final String DEFAULT_ROOT_URL = "https://taskcluster.net";
    public static final String DEFAULT_TOKENS_URL = "https://tokens.mozilla-releng.net/tokens";
    static final List<String> DEFAULT_ROUTES = List.of(
        "tooltool=https://tooltool.mozilla-releng.net",
        "treestatus=https://treestatus.mozilla-releng.net",
        "mapper=https://mapper.mozilla-releng.net");

    private static final String ENVIRONMENT_AND_LIMITS = """

        Environment:
          TASKCLUSTER_ROOT_URL      default for --root-url
          HTTPS_PROXY, https_proxy  forward proxy for https:// calls (queue, tokens, upstreams), through CONNECT
          HTTP_PROXY, http_proxy    forward proxy for http:// calls
          NO_PROXY, no_proxy        hosts, domains, IPs, CIDRs (each may end in :port) or * that go direct;
                                    localhost and loopback always do. --egress-proxy replaces the *_PROXY pair
          relengapi-proxy.args      in a servlet container, the arguments (context parameter or system property)

        Limits a client can hit: request line and headers 8 KiB together (a longer target gets 414, longer
        headers 431), sent within 10 s of the connection (or of the request's first byte) or the connection is
        closed; a connection with no bytes moving for --idle-timeout (120 s) is closed.
        """;
    private static final Pattern SLUGID =
        Pattern.compile("[A-Za-z0-9_-]{8}[Q-T][A-Za-z0-9_-][CGKOSWaeimquy26-][A-Za-z0-9_-]{10}[AQgw]");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smh]?)");
    private static final List<String> CONTAINER_OWNED = List.of("-p", "--port", "--bind");
    private static final Duration MIN_LIFETIME = Duration.ofSeconds(10);
    private static final Duration MAX_LIFETIME = Duration.ofHours(24);
    private static final Duration MIN_IDLE = Duration.ofSeconds(1);
    private static final Duration MAX_IDLE = Duration.ofHours(24);

    private CommandLine() {
    }

    /** What the command line asks for. */
    public sealed interface Outcome permits Run, Dev, Help, Version, Invalid {
    }

    /** {@code --dev}: the proxy in front of an embedded local stack, listening on {@code bind:port}. */
    public record Dev(String bind, int port, LogFormat logFormat) implements Outcome {
    }

    public record Run(ProxyConfig config) implements Outcome {
    }

    public record Help() implements Outcome {
    }

    public record Version() implements Outcome {
    }

    public record Invalid(String message) implements Outcome {
    }

    public static Outcome parse(List<String> args, Map<String, String> environment) {
        try {
            return parseOrThrow(args, environment);
        } catch (UsageException e) {
            return new Invalid(redact(e.getMessage(), args));
        }
    }

    /**
     * The same arguments, for a proxy deployed in a servlet container: where and how to listen is the container's
     * business, so --port and --bind are refused rather than silently ignored.
     */
    public static Outcome parseForContainer(List<String> args, Map<String, String> environment) {
        int dashDash = args.indexOf("--");
        for (String arg : dashDash < 0 ? args : args.subList(0, dashDash)) {
            String name = nameOf(arg);
            if (CONTAINER_OWNED.contains(name)) {
                return new Invalid(name + " does not apply in a servlet container: its connector decides where to listen");
            }
        }
        return parse(args, environment);
    }

    public static String usage() {
        StringBuilder out = new StringBuilder();
        out.append("Usage: ").append(PROGRAM).append(" [options] -- <taskId>\n")
            .append("       ").append(PROGRAM).append(" --dev [-p PORT] [--bind ADDR] [--log-format FORMAT]\n")
            .append("       ").append(PROGRAM).append(" -h|--help\n")
            .append("       ").append(PROGRAM).append(" --version\n\n")
            .append("Forwards a task's requests to RelengAPI services with a temporary token that carries exactly the\n")
            .append("permissions the task's scopes grant (docker-worker:relengapi-proxy:<permission>).\n")
            .append("Every option takes its value as --opt value or --opt=value.\n\n");
        newJCommander(new ProxyOptions()).getUsageFormatter().usage(out);
        out.append(ENVIRONMENT_AND_LIMITS);
        return out.toString();
    }

    private static Outcome parseOrThrow(List<String> args, Map<String, String> environment) throws UsageException {
        int dashDash = args.indexOf("--");
        List<String> optionArgs = dashDash < 0 ? args : args.subList(0, dashDash);
        List<String> afterDashDash = dashDash < 0 ? List.of() : args.subList(dashDash + 1, args.size());

        ProxyOptions options = new ProxyOptions();
        JCommander jc = newJCommander(options);
        List<String> normalized = normalize(optionArgs);
        try {
            jc.parse(normalized.toArray(String[]::new));
        } catch (ParameterException e) {
            throw new UsageException(e.getMessage() == null ? "invalid arguments" : e.getMessage());
        }
        if (options.help != null) {
            return new Help();
        }
        if (options.version != null) {
            return new Version();
        }
        if (options.dev != null) {
            return dev(options, dashDash);
        }
        if (dashDash < 0) {
            throw new UsageException("missing `-- <taskId>`: the task id goes after `--`");
        }
        if (afterDashDash.size() != 1) {
            throw new UsageException("expected exactly one task id after `--`, got " + afterDashDash.size());
        }
        return new Run(toConfig(options, afterDashDash.get(0), environment));
    }

    private static Dev dev(ProxyOptions o, int dashDash) throws UsageException {
        boolean others = o.relengapiToken != null || o.relengapiTokenFile != null || o.rootUrl != null || o.tokensUrl != null
            || o.routes != null || o.relengapiHost != null || o.tokenLifetime != null || o.idleTimeout != null
            || o.caFile != null || o.egressProxy != null;
        if (others || dashDash >= 0) {
            throw new UsageException("--dev takes no task id and no option but --port, --bind and --log-format");
        }
        return new Dev(o.bind == null ? "127.0.0.1" : bind(o.bind), port(o.port), logFormat(o.logFormat));
    }

    private static JCommander newJCommander(ProxyOptions options) {
        JCommander jc = JCommander.newBuilder().programName(PROGRAM).addObject(options)
            .expandAtSign(false).acceptUnknownOptions(false).build();
        jc.setUsageFormatter(new DefaultUsageFormatter(jc) {
            @Override
            public void appendMainLine(StringBuilder out, boolean hasOptions, boolean hasCommands, int indentCount,
                                       String indent) {
                // usage() has already written the synopsis, with the `-- <taskId>` JCommander cannot describe.
            }
        });
        return jc;
    }

    /**
     * Splits {@code --opt=value} into two arguments and rejects anything that is not a known option (as declared
     * in {@link ProxyOptions}) or its value.
     * JCommander's own messages for these cases would echo the argument, which may be a token.
     */
    private static List<String> normalize(List<String> args) throws UsageException {
        Map<String, Boolean> isFlag = new LinkedHashMap<>();
        for (Field field : ProxyOptions.class.getDeclaredFields()) {
            Parameter parameter = field.getAnnotation(Parameter.class);
            if (parameter != null) {
                for (String name : parameter.names()) {
                    isFlag.put(name, field.getType() == Boolean.class);
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-") || arg.equals("-")) {
                throw new UsageException("unexpected argument before `--` (the task id goes after `--`)");
            }
            int equals = arg.indexOf('=');
            String name = nameOf(arg);
            Boolean flag = isFlag.get(name);
            if (flag == null) {
                throw new UsageException("unknown option " + name);
            }
            out.add(name);
            if (flag) {
                if (equals >= 0) {
                    throw new UsageException("option " + name + " takes no value");
                }
            } else if (equals >= 0) {
                out.add(arg.substring(equals + 1));
            } else if (i + 1 < args.size() && !isFlag.containsKey(nameOf(args.get(i + 1)))) {
                out.add(args.get(++i));
            } else {
                // An option followed by another option (say `--port --relengapi-token=X`) has no value; taking the
                // next argument would put a token into an error message about ports.
                throw new UsageException("option " + name + " needs a value");
            }
        }
        return out;
    }

    private static String nameOf(String arg) {
        int equals = arg.indexOf('=');
        return equals < 0 ? arg : arg.substring(0, equals);
    }

    /** Whatever went wrong, the value given to --relengapi-token never appears in the message. */
    private static String redact(String message, List<String> args) {
        String result = message;
        for (int i = 0; i < args.size(); i++) {
            String token = null;
            if (args.get(i).equals("--relengapi-token") && i + 1 < args.size()) {
                token = args.get(i + 1);
            } else if (args.get(i).startsWith("--relengapi-token=")) {
                token = args.get(i).substring("--relengapi-token=".length());
            }
            if (token != null && !token.isBlank()) {
                result = result.replace(token, "<redacted>");
                result = result.replace(token.strip(), "<redacted>");
            }
        }
        return result.lines().findFirst().orElse("invalid arguments");
    }

    private static ProxyConfig toConfig(ProxyOptions o, String taskId, Map<String, String> environment) throws UsageException {
        if (!SLUGID.matcher(taskId).matches()) {
            // A long or dotted argument may be a misplaced token: describe it rather than echo it.
            String shown = taskId.length() <= 30 && !taskId.contains(".") ? taskId : "(" + taskId.length() + " characters)";
            throw new UsageException("invalid task id " + shown + ": not a Taskcluster slugid (22 characters of A-Z a-z 0-9 _ -)");
        }
        String rootUrl = o.rootUrl != null ? o.rootUrl : environment.getOrDefault("TASKCLUSTER_ROOT_URL", DEFAULT_ROOT_URL);
        List<String> routes = o.routes == null ? DEFAULT_ROUTES : o.routes;
        return new ProxyConfig(
            taskId,
            issuingToken(o),
            httpUrl(o.rootUrl != null ? "--root-url" : "TASKCLUSTER_ROOT_URL", rootUrl),
            httpUrl("--tokens-url", o.tokensUrl != null ? o.tokensUrl : DEFAULT_TOKENS_URL),
            routes(routes),
            o.relengapiHost == null ? Optional.empty() : Optional.of(catchAll(o.relengapiHost)),
            duration("--token-lifetime", o.tokenLifetime, "10m", MIN_LIFETIME, MAX_LIFETIME),
            duration("--idle-timeout", o.idleTimeout, "120s", MIN_IDLE, MAX_IDLE),
            o.caFile == null ? Optional.empty() : Optional.of(readableFile("--ca-file", o.caFile)),
            egress(o.egressProxy, environment),
            bind(o.bind),
            port(o.port),
            logFormat(o.logFormat));
    }

    private static EgressProxies egress(String override, Map<String, String> environment) throws UsageException {
        try {
            return override == null ? EgressProxies.fromEnvironment(environment) : EgressProxies.override(override, environment);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static LogFormat logFormat(String name) throws UsageException {
        if (name == null) {
            return LogFormat.TEXT;
        }
        return LogFormat.parse(name).orElseThrow(() -> new UsageException("--log-format: " + name + " is not text or mozlog"));
    }

    private static IssuingToken issuingToken(ProxyOptions o) throws UsageException {
        if ((o.relengapiToken == null) == (o.relengapiTokenFile == null)) {
            throw new UsageException("give exactly one of --relengapi-token and --relengapi-token-file");
        }
        if (o.relengapiToken != null) {
            if (o.relengapiToken.isBlank()) {
                throw new UsageException("--relengapi-token is empty");
            }
            return IssuingToken.of(new Secret(o.relengapiToken.strip()));
        }
        Path file = Path.of(o.relengapiTokenFile);
        IssuingToken token = IssuingToken.fromFile(file);
        try {
            token.read();
        } catch (IOException e) {
            // The path is not repeated: someone who confused the two options would see their token printed.
            throw new UsageException("--relengapi-token-file: " + describe(e, file));
        }
        return token;
    }

    private static String describe(IOException e, Path file) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (Files.isDirectory(file)) {
            return "is a directory";
        }
        return e.getMessage() != null && e.getMessage().contains("empty") ? "file is empty" : "cannot read it";
    }

    private static List<Route> routes(List<String> specs) throws UsageException {
        Map<String, Route> routes = new LinkedHashMap<>();
        for (String spec : specs) {
            int equals = spec.indexOf('=');
            if (equals < 0) {
                throw new UsageException("--route " + spec + ": expected PREFIX=URL");
            }
            String prefix = spec.substring(0, equals);
            if (prefix.isEmpty()) {
                throw new UsageException("--route " + spec + ": empty prefix");
            }
            if (prefix.startsWith("__")) {
                throw new UsageException("--route " + spec + ": prefixes starting with __ are reserved for the proxy");
            }
            if (!Route.isValidPrefix(prefix)) {
                throw new UsageException("--route " + spec + ": a prefix is one path segment of letters, digits, '.', '_', '~' or '-'");
            }
            if (routes.containsKey(prefix)) {
                throw new UsageException("--route " + spec + ": duplicate prefix " + prefix);
            }
            routes.put(prefix, new Route(prefix, httpUrl("--route " + prefix, spec.substring(equals + 1))));
        }
        return new ArrayList<>(routes.values());
    }

    private static URI catchAll(String hostOrUrl) throws UsageException {
        return httpUrl("--relengapi-host", hostOrUrl.contains("://") ? hostOrUrl : "https://" + hostOrUrl);
    }

    static URI httpUrl(String option, String value) throws UsageException {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new UsageException(option + ": " + value + " is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new UsageException(option + ": " + value + " is not an http(s) URL");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new UsageException(option + ": " + uri.getScheme() + "://" + uri.getHost()
                + "… must not carry credentials, a query or a fragment");
        }
        return uri;
    }

    private static Duration duration(String option, String value, String fallback, Duration min, Duration max)
        throws UsageException {
        String text = value == null ? fallback : value.strip();
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new UsageException(option + ": " + text + " is not a duration (examples: 600, 600s, 10m, 1h)");
        }
        long amount = Long.parseLong(m.group(1));
        Duration duration = switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
        if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
            throw new UsageException(option + ": " + text + " is out of range (" + human(min) + " to " + human(max) + ")");
        }
        return duration;
    }

    private static String human(Duration d) {
        return d.toHours() > 0 && d.toSeconds() % 3600 == 0 ? d.toHours() + "h" : d.toSeconds() + "s";
    }

    private static Path readableFile(String option, String name) throws UsageException {
        Path file = Path.of(name);
        if (!Files.isRegularFile(file)) {
            throw new UsageException(option + " " + file + ": no such file");
        }
        if (!Files.isReadable(file)) {
            throw new UsageException(option + " " + file + ": permission denied");
        }
        return file;
    }

    private static String bind(String bind) throws UsageException {
        if (bind == null) {
            return "0.0.0.0";
        }
        if (bind.isBlank()) {
            throw new UsageException("--bind: empty address");
        }
        return bind;
    }

    private static int port(String port) throws UsageException {
        if (port == null) {
            return 8080;
        }
        try {
            int value = Integer.parseInt(port.strip());
            if (value >= 0 && value <= 65535) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below, with the same message as an out-of-range number.
        }
        throw new UsageException("--port: " + port + " is not a port number (0 to 65535)");
    }

    /** A bad command line; the message is the one line shown to the user. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }
}
