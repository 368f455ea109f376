package org.mozilla.relengapi.proxy.cli;

import com.beust.jcommander.Parameter;
import java.util.List;

/**
 * The command line as JCommander binds it. Every value stays a string here: {@link CommandLine} validates and
 * converts, so that every error message is its own one-liner and never echoes a token. Nothing has an initial
 * value (flags are Boolean, null when absent) so that the usage shows the defaults written in the descriptions
 * and no "Default: []" noise.
 */
final class ProxyOptions {

    @Parameter(names = {"-p", "--port"}, description = "Listen port; 0 picks a free port (default 8080)")
    String port;

    @Parameter(names = "--bind", description = "Listen address (default 0.0.0.0)")
    String bind;

    @Parameter(names = "--relengapi-token", description = "Issuing (permanent) RelengAPI token. "
        + "Exactly one of this and --relengapi-token-file; prefer the file: a command line is visible to other processes")
    String relengapiToken;

    @Parameter(names = "--relengapi-token-file", description = "File holding the issuing token (surrounding whitespace "
        + "trimmed); re-read for every issuance, so the token can be rotated without a restart")
    String relengapiTokenFile;

    @Parameter(names = "--root-url", description = "Taskcluster root URL (default $TASKCLUSTER_ROOT_URL, else "
        + "https://taskcluster.net, whose queue is https://queue.taskcluster.net/v1/)")
    String rootUrl;

    @Parameter(names = "--tokens-url", description = "Where temporary tokens are issued (POST) (default "
        + CommandLine.DEFAULT_TOKENS_URL + ")")
    String tokensUrl;

    @Parameter(names = "--route", description = "PREFIX=URL: /PREFIX/rest is forwarded to URL/rest. Repeatable; any "
        + "--route replaces the whole default table (tooltool, treestatus and mapper at https://<name>.mozilla-releng.net)")
    List<String> routes;

    @Parameter(names = "--relengapi-host", description = "Catch-all upstream for paths no route matches; a bare host "
        + "means https://HOST (default: none, such paths get 404)")
    String relengapiHost;

    @Parameter(names = "--token-lifetime", description = "Lifetime asked for each temporary token: 600, 600s, 10m, 1h; "
        + "10s to 24h (default 10m)")
    String tokenLifetime;

    @Parameter(names = "--idle-timeout", description = "Close a client or upstream connection with no bytes moving for "
        + "this long; an upstream that sends no response headers for this long gives 504 (default 120s)")
    String idleTimeout;

    @Parameter(names = "--ca-file", description = "PEM bundle of extra CAs trusted for every outbound HTTPS call")
    String caFile;

    @Parameter(names = "--egress-proxy", description = "http://[user:password@]host:port: the forward proxy for every "
        + "outbound call, instead of $HTTPS_PROXY/$HTTP_PROXY ($NO_PROXY still applies; loopback is always direct)")
    String egressProxy;

    @Parameter(names = "--log-format", description = "text (people) or mozlog (one JSON object per line on stdout, "
        + "with a request.summary record per request) (default text)")
    String logFormat;

    @Parameter(names = "--dev", description = "Run against an embedded local stack (queue, token issuer, echo "
        + "upstreams) on loopback: no task id or token needed. Only --port and --bind apply (bind default 127.0.0.1)")
    Boolean dev;

    @Parameter(names = {"-h", "--help"}, help = true, description = "Print this help and exit")
    Boolean help;

    @Parameter(names = "--version", description = "Print the version and exit")
    Boolean version;
}
