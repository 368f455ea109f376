package org.mozilla.relengapi.proxy.server;

import java.util.List;
import org.mozilla.relengapi.proxy.controlplane.CallFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar relengapi-proxy.jar [options] -- <taskId>} */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        Launcher.Started started = new Launcher(System.out, System.err, System.getenv()).start(List.of(args));
        if (started.proxy() == null) {
            System.exit(started.exitStatus());
        }
        EmbeddedProxy proxy = started.proxy();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAndExitZero(proxy), "graceful-stop"));
        proxy.join();
    }

    /**
     * On SIGTERM (or SIGINT) the JVM runs this hook: a graceful stop. A JVM ended by a signal exits 128+signal, but
     * a worker that asks the proxy to stop has asked for what then happens, so the status is always 0; a part that
     * fails to stop cleanly is worth a warning, not a failed task.
     */
    private static void stopAndExitZero(EmbeddedProxy proxy) {
        try {
            proxy.close();
        } catch (Exception e) {
            LOG.warn("while stopping: {}", CallFailure.describe(e));
        }
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(0);
    }
}
