package org.mozilla.relengapi.proxy.server;

import jakarta.servlet.ServletContext;
import java.util.List;
import java.util.Map;
import org.mozilla.relengapi.proxy.cli.CommandLine;
import org.mozilla.relengapi.proxy.cli.ProxyConfig;

/**
 * The configuration of the proxy deployed as a WAR: the context init-parameter {@value #PARAMETER} or, when the
 * context has none, the JVM system property of the same name, holding the command-line arguments separated by
 * whitespace (e.g. {@code --relengapi-token-file /etc/relengapi.token -- <taskId>}). They are parsed by the same
 * code as the command line; --port and --bind belong to the container and are refused.
 */
final class ContainerConfiguration {
    static final String PARAMETER = "relengapi-proxy.args";

    private ContainerConfiguration() {
    }

    static ProxyConfig read(ServletContext context, Map<String, String> environment) {
        String args = context.getInitParameter(PARAMETER);
        if (args == null) {
            args = System.getProperty(PARAMETER);
        }
        if (args == null || args.isBlank()) {
            throw new StartupException("no configuration: set the context parameter (or system property) " + PARAMETER
                + " to the proxy's arguments, e.g. --relengapi-token-file /etc/relengapi.token -- <taskId>");
        }
        CommandLine.Outcome outcome = CommandLine.parseForContainer(List.of(args.strip().split("\\s+")), environment);
        if (outcome instanceof CommandLine.Run run) {
            return run.config();
        }
        if (outcome instanceof CommandLine.Invalid invalid) {
            throw new StartupException(invalid.message());
        }
        throw new StartupException("--help and --version do not apply in " + PARAMETER);
    }
}
