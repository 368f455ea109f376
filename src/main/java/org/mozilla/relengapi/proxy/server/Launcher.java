package org.mozilla.relengapi.proxy.server;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.mozilla.relengapi.proxy.cli.CommandLine;
import org.mozilla.relengapi.proxy.cli.CommandLine.Outcome;
import org.mozilla.relengapi.proxy.cli.ProxyConfig;
import org.mozilla.relengapi.proxy.logging.LogFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * From a command line to a running proxy, with the exit status: 0 after --help, --version or a clean stop; 1 when
 * start-up fails; 2 for a bad command line.
 */
public final class Launcher {
    public static final int OK = 0;
    public static final int STARTUP_FAILED = 1;
    public static final int BAD_ARGUMENTS = 2;
    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;

    public Launcher(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    /** Parses and starts; returns the proxy to the caller, or the exit status when there is nothing to run. */
    public Started start(List<String> args) {
        Outcome outcome = CommandLine.parse(args, environment);
        if (outcome instanceof CommandLine.Help) {
            out.print(CommandLine.usage());
            return new Started(null, OK);
        }
        if (outcome instanceof CommandLine.Version) {
            out.println(CommandLine.PROGRAM + " " + BuildInfo.load().version());
            return new Started(null, OK);
        }
        if (outcome instanceof CommandLine.Invalid invalid) {
            err.println(CommandLine.PROGRAM + ": " + invalid.message());
            err.print(CommandLine.usage());
            return new Started(null, BAD_ARGUMENTS);
        }
        DevStack stack = null;
        try {
            ProxyConfig config;
            if (outcome instanceof CommandLine.Dev dev) {
                LogFormat.use(dev.logFormat());
                stack = DevStack.start();
                config = stack.proxyConfig(dev.bind(), dev.port(), dev.logFormat());
            } else {
                config = ((CommandLine.Run) outcome).config();
                LogFormat.use(config.logFormat());
            }
            EmbeddedProxy proxy = EmbeddedProxy.start(config, Clock.systemUTC(), out, stack == null ? null : stack.server());
            LOG.info("relengapi-proxy listening on {}:{} for {}task {}", config.bind(), proxy.port(),
                stack == null ? "" : "the --dev ", config.taskId());
            if (stack != null) {
                // In mozlog, stdout carries only JSON records: the description for people goes to stderr.
                stack.describe(config.logFormat() == LogFormat.MOZLOG ? err : out, proxy);
            }
            return new Started(proxy, OK);
        } catch (StartupException e) {
            err.println(CommandLine.PROGRAM + ": " + e.getMessage());
            return new Started(null, STARTUP_FAILED);
        }
    }

    /** A running proxy, or none and the exit status. */
    public record Started(EmbeddedProxy proxy, int exitStatus) {
    }
}
