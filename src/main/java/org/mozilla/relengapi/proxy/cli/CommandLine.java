package org.mozilla.relengapi.proxy.cli;

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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mozilla.relengapi.proxy.cli.ProxyConfig.IssuingToken;
import org.mozilla.relengapi.proxy.cli.ProxyConfig.Route;
import org.mozilla.relengapi.proxy.controlplane.EgressProxies;
import org.mozilla.relengapi.proxy.controlplane.Secret;
import org.mozilla.relengapi.proxy.logging.LogFormat;

/**
 * Parses {@code relengapi-proxy [options] -- <taskId>}. Errors are one line that names the problem and never
 * repeats the value given to --relengapi-token.
 */
public final class CommandLine {
    public static final String PROGRAM = "relengapi-proxy";
    private static final String DEFAULT_TOKENS_URL = "https://tokens.mozilla-releng.net/tokens";
    private static final List<String> DEFAULT_ROUTES = List.of("tooltool=https://tooltool.mozilla-releng.net",
        "treestatus=https://treestatus.mozilla-releng.net", "mapper=https://mapper.mozilla-releng.net");
    private static final String SYNOPSIS = """
        Usage: relengapi-proxy [options] -- <taskId>
               relengapi-proxy --dev [-p PORT] [--bind ADDR] [--log-format FORMAT]
               relengapi-proxy -h|--help
               relengapi-proxy --version

        Forwards a task's requests to RelengAPI services with a temporary token that carries exactly the
        permissions the task's scopes grant (docker-worker:relengapi-proxy:<permission>).
        Every option takes its value as --opt value or --opt=value.

        """;
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
    private static final List<String> DEV_OPTIONS = List.of("-p", "--port", "--bind", "--log-format", "--dev");

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
        return parse(args, environment, false);
    }

    /** In a servlet container, where to listen is the container's business: --port and --bind are refused. */
    public static Outcome parseForContainer(List<String> args, Map<String, String> environment) {
        return parse(args, environment, true);
    }

    public static String usage() {
        StringBuilder options = new StringBuilder();
        JCommander.newBuilder().addObject(new ProxyOptions()).build().getUsageFormatter().usage(options);
        // JCommander's first line would be a synopsis without the `-- <taskId>` it cannot describe.
        return SYNOPSIS + options.substring(options.indexOf("\n") + 1) + ENVIRONMENT_AND_LIMITS;
    }

    private static Outcome parse(List<String> args, Map<String, String> environment, boolean inContainer) {
        int dashDash = args.indexOf("--");
        List<String> taskIds = dashDash < 0 ? List.of() : args.subList(dashDash + 1, args.size());
        ProxyOptions o = new ProxyOptions();
        JCommander jc = JCommander.newBuilder().addObject(o).expandAtSign(false).build();
        List<String> given = new ArrayList<>();
        try {
            jc.parse(normalize(dashDash < 0 ? args : args.subList(0, dashDash), given).toArray(String[]::new));
            Optional<String> listening = given.stream().filter(List.of("-p", "--port", "--bind")::contains).findFirst();
            if (inContainer && listening.isPresent()) {
                throw new ParameterException(listening.get() + " does not apply in a servlet container: its connector "
                    + "decides where to listen");
            }
            if (o.help != null) {
                return new Help();
            }
            if (o.version != null) {
                return new Version();
            }
            if (o.dev != null) {
                if (dashDash >= 0 || !DEV_OPTIONS.containsAll(given)) {
                    throw new ParameterException(
                        "--dev takes no task id and no option but --port, --bind and --log-format");
                }
                return new Dev(bind(o.bind, "127.0.0.1"), port(o.port), logFormat(o.logFormat));
            }
            if (dashDash < 0) {
                throw new ParameterException("missing `-- <taskId>`: the task id goes after `--`");
            }
            if (taskIds.size() != 1) {
                throw new ParameterException("expected exactly one task id after `--`, got " + taskIds.size());
            }
            return new Run(toConfig(o, taskIds.get(0), environment));
        } catch (ParameterException e) {
            // Whatever went wrong, the value given to --relengapi-token never appears in the message.
            String message = e.getMessage();
            String token = o.relengapiToken;
            if (token != null && !token.isBlank()) {
                message = message.replace(token, "<redacted>").replace(token.strip(), "<redacted>");
            }
            return new Invalid(message.lines().findFirst().orElse("invalid arguments"));
        }
    }

    /**
     * Splits {@code --opt=value} into two arguments, collects the option names into {@code given} and rejects
     * anything else: JCommander's own messages for these cases would echo the argument, which may be a token.
     */
    private static List<String> normalize(List<String> args, List<String> given) {
        Map<String, Boolean> isFlag = new HashMap<>();
        for (Field field : ProxyOptions.class.getDeclaredFields()) {
            Parameter parameter = field.getAnnotation(Parameter.class);
            for (String name : parameter == null ? new String[0] : parameter.names()) {
                isFlag.put(name, field.getType() == Boolean.class);
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.split("=", 2)[0];
            Boolean flag = isFlag.get(name);
            if (!arg.startsWith("-") || arg.equals("-")) {
                throw new ParameterException("unexpected argument before `--` (the task id goes after `--`)");
            } else if (flag == null) {
                throw new ParameterException("unknown option " + name);
            } else if (flag && arg.contains("=")) {
                throw new ParameterException("option " + name + " takes no value");
            }
            given.add(name);
            out.add(name);
            if (!flag && arg.contains("=")) {
                out.add(arg.substring(name.length() + 1));
            } else if (!flag && (i + 1 == args.size() || isFlag.containsKey(args.get(i + 1).split("=", 2)[0]))) {
                // Taking the next option as the value (`--port --relengapi-token=X`) would put a token in a message.
                throw new ParameterException("option " + name + " needs a value");
            } else if (!flag) {
                out.add(args.get(++i));
            }
        }
        return out;
    }

    private static ProxyConfig toConfig(ProxyOptions o, String taskId, Map<String, String> environment) {
        if (!SLUGID.matcher(taskId).matches()) {
            // A long or dotted argument may be a misplaced token: describe it rather than echo it.
            boolean mayBeToken = taskId.length() > 30 || taskId.contains(".");
            String shown = mayBeToken ? "(" + taskId.length() + " characters)" : taskId;
            throw new ParameterException("invalid task id " + shown
                + ": not a Taskcluster slugid (22 characters of A-Z a-z 0-9 _ -)");
        }
        IssuingToken token = issuingToken(o);
        URI rootUrl = o.rootUrl != null ? httpUrl("--root-url", o.rootUrl) : httpUrl("TASKCLUSTER_ROOT_URL",
            environment.getOrDefault("TASKCLUSTER_ROOT_URL", "https://taskcluster.net"));
        URI tokensUrl = httpUrl("--tokens-url", o.tokensUrl != null ? o.tokensUrl : DEFAULT_TOKENS_URL);
        List<Route> routes = routes(o.routes == null ? DEFAULT_ROUTES : o.routes);
        Optional<URI> catchAll = Optional.ofNullable(o.relengapiHost)
            .map(host -> httpUrl("--relengapi-host", host.contains("://") ? host : "https://" + host));
        Duration tokenLifetime = duration("--token-lifetime", o.tokenLifetime, "10m", "10s", "24h");
        Duration idleTimeout = duration("--idle-timeout", o.idleTimeout, "120s", "1s", "24h");
        Optional<Path> caFile = Optional.ofNullable(o.caFile).map(CommandLine::readableCaFile);
        EgressProxies egress;
        try {
            egress = o.egressProxy == null ? EgressProxies.fromEnvironment(environment)
                : EgressProxies.override(o.egressProxy, environment);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(e.getMessage());
        }
        return new ProxyConfig(taskId, token, rootUrl, tokensUrl, routes, catchAll, tokenLifetime, idleTimeout, caFile,
            egress, bind(o.bind, "0.0.0.0"), port(o.port), logFormat(o.logFormat));
    }

    private static IssuingToken issuingToken(ProxyOptions o) {
        if ((o.relengapiToken == null) == (o.relengapiTokenFile == null)) {
            throw new ParameterException("give exactly one of --relengapi-token and --relengapi-token-file");
        }
        if (o.relengapiToken != null && o.relengapiToken.isBlank()) {
            throw new ParameterException("--relengapi-token is empty");
        }
        IssuingToken token = o.relengapiToken != null ? IssuingToken.of(new Secret(o.relengapiToken.strip()))
            : IssuingToken.fromFile(Path.of(o.relengapiTokenFile));
        try {
            token.read();
        } catch (IOException e) {
            throw new ParameterException("--relengapi-token-file: " + e.getMessage());
        }
        return token;
    }

    private static List<Route> routes(List<String> specs) {
        Map<String, Route> routes = new LinkedHashMap<>();
        for (String spec : specs) {
            int equals = spec.indexOf('=');
            if (equals <= 0) {
                String problem = equals < 0 ? "expected PREFIX=URL" : "empty prefix";
                throw new ParameterException("--route " + spec + ": " + problem);
            }
            String prefix = spec.substring(0, equals);
            URI upstream = httpUrl("--route " + prefix, spec.substring(equals + 1));
            try {
                if (routes.put(prefix, new Route(prefix, upstream)) != null) {
                    throw new IllegalArgumentException("duplicate prefix " + prefix);
                }
            } catch (IllegalArgumentException e) {
                throw new ParameterException("--route " + spec + ": " + e.getMessage());
            }
        }
        return List.copyOf(routes.values());
    }

    private static URI httpUrl(String option, String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new ParameterException(option + ": " + value + " is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new ParameterException(option + ": " + value + " is not an http(s) URL");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ParameterException(option + ": " + uri.getScheme() + "://" + uri.getHost()
                + "… must not carry credentials, a query or a fragment");
        }
        return uri;
    }

    private static Duration duration(String option, String value, String fallback, String min, String max) {
        String text = value == null ? fallback : value.strip();
        Duration duration = durationOf(text);
        if (duration == null) {
            throw new ParameterException(option + ": " + text + " is not a duration (examples: 600, 600s, 10m, 1h)");
        }
        if (duration.compareTo(durationOf(min)) < 0 || duration.compareTo(durationOf(max)) > 0) {
            throw new ParameterException(option + ": " + text + " is out of range (" + min + " to " + max + ")");
        }
        return duration;
    }

    private static Duration durationOf(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return null;
        }
        long unit = m.group(2).equals("h") ? 3600 : m.group(2).equals("m") ? 60 : 1;
        return Duration.ofSeconds(Long.parseLong(m.group(1)) * unit);
    }

    private static Path readableCaFile(String name) {
        Path file = Path.of(name);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            String problem = Files.isRegularFile(file) ? "permission denied" : "no such file";
            throw new ParameterException("--ca-file " + file + ": " + problem);
        }
        return file;
    }

    private static String bind(String bind, String fallback) {
        if (bind != null && bind.isBlank()) {
            throw new ParameterException("--bind: empty address");
        }
        return bind == null ? fallback : bind;
    }

    private static int port(String port) {
        try {
            int value = port == null ? 8080 : Integer.parseInt(port.strip());
            if (value >= 0 && value <= 65535) {
                return value;
            }
        } catch (NumberFormatException e) {
            // The same message as an out-of-range number, below.
        }
        throw new ParameterException("--port: " + port + " is not a port number (0 to 65535)");
    }

    private static LogFormat logFormat(String name) {
        return name == null ? LogFormat.TEXT : LogFormat.parse(name)
            .orElseThrow(() -> new ParameterException("--log-format: " + name + " is not text or mozlog"));
    }

    /**
     * Values stay strings, converted after parsing, so --help, --version, --dev and the container's refusal win over a
     * bad value. No initial values: the usage shows the defaults the descriptions state, not JCommander's "Default:".
     */
    static final class ProxyOptions {

        @Parameter(names = {"-p", "--port"}, description = "Listen port; 0 picks a free port (default 8080)")
        String port;

        @Parameter(names = "--bind", description = "Listen address (default 0.0.0.0)")
        String bind;

        @Parameter(names = "--relengapi-token", description = "Issuing (permanent) RelengAPI token. Exactly one of "
            + "this and --relengapi-token-file; prefer the file: a command line is visible to other processes")
        String relengapiToken;

        @Parameter(names = "--relengapi-token-file", description = "File holding the issuing token (surrounding "
            + "whitespace trimmed); re-read for every issuance, so the token can be rotated without a restart")
        String relengapiTokenFile;

        @Parameter(names = "--root-url", description = "Taskcluster root URL (default $TASKCLUSTER_ROOT_URL, else "
            + "https://taskcluster.net, whose queue is https://queue.taskcluster.net/v1/)")
        String rootUrl;

        @Parameter(names = "--tokens-url", description = "Where temporary tokens are issued (POST) (default "
            + DEFAULT_TOKENS_URL + ")")
        String tokensUrl;

        @Parameter(names = "--route", description = "PREFIX=URL: /PREFIX/rest is forwarded to URL/rest. Repeatable; "
            + "any --route replaces the whole default table (tooltool, treestatus and mapper at "
            + "https://<name>.mozilla-releng.net)")
        List<String> routes;

        @Parameter(names = "--relengapi-host", description = "Catch-all upstream for paths no route matches; a bare "
            + "host means https://HOST (default: none, such paths get 404)")
        String relengapiHost;

        @Parameter(names = "--token-lifetime", description = "Lifetime asked for each temporary token: 600, 600s, "
            + "10m, 1h; 10s to 24h (default 10m)")
        String tokenLifetime;

        @Parameter(names = "--idle-timeout", description = "Close a client or upstream connection with no bytes "
            + "moving for this long; an upstream that sends no response headers for this long gives 504 (default 120s)")
        String idleTimeout;

        @Parameter(names = "--ca-file", description = "PEM bundle of extra CAs trusted for every outbound HTTPS call")
        String caFile;

        @Parameter(names = "--egress-proxy", description = "http://[user:password@]host:port: the forward proxy for "
            + "every outbound call, instead of $HTTPS_PROXY/$HTTP_PROXY ($NO_PROXY still applies; loopback is always "
            + "direct)")
        String egressProxy;

        @Parameter(names = "--log-format", description = "text (people) or mozlog (one JSON object per line on "
            + "stdout, with a request.summary record per request) (default text)")
        String logFormat;

        @Parameter(names = "--dev", description = "Run against an embedded local stack (queue, token issuer, echo "
            + "upstreams) on loopback: no task id or token needed. Only --port, --bind and --log-format apply (bind "
            + "default 127.0.0.1)")
        Boolean dev;

        @Parameter(names = {"-h", "--help"}, help = true, description = "Print this help and exit")
        Boolean help;

        @Parameter(names = "--version", description = "Print the version and exit")
        Boolean version;
    }
}
