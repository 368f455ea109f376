package org.mozilla.relengapi.proxy.server;

import jakarta.servlet.ServletContext;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mozilla.relengapi.proxy.cli.CommandLine;
import org.mozilla.relengapi.proxy.cli.ProxyConfig;

/**
 * The proxy's arguments in a servlet container: the context parameter {@value #PARAMETER} or else the system property
 * of that name, split at whitespace, e.g. {@code --relengapi-token-file /etc/relengapi.token -- <taskId>}.
 */
final class ContainerConfiguration {
    static final String PARAMETER = "relengapi-proxy.args";

    private ContainerConfiguration() {
    }

    static ProxyConfig read(ServletContext context, Map<String, String> environment) {
        String args = Objects.requireNonNullElse(context.getInitParameter(PARAMETER),
            System.getProperty(PARAMETER, ""));
        if (args.isBlank()) {
            throw new StartupException("no configuration: set the context parameter (or system property) " + PARAMETER
                + " to the proxy's arguments, e.g. --relengapi-token-file /etc/relengapi.token -- <taskId>");
        }
        CommandLine.Outcome outcome = CommandLine.parseForContainer(List.of(args.strip().split("\\s+")), environment);
        if (outcome instanceof CommandLine.Run run) {
            return run.config();
        }
        throw new StartupException(outcome instanceof CommandLine.Invalid invalid ? invalid.message()
            : "--help and --version do not apply in " + PARAMETER);
    }
}
