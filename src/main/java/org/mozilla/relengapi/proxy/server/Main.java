package org.mozilla.relengapi.proxy.server;

import java.util.List;

/** {@code java -jar relengapi-proxy.jar [options] -- <taskId>} */
public final class Main {

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
     * a worker that asks the proxy to stop and sees it finish its requests has seen a success, so the status is 0.
     */
    private static void stopAndExitZero(EmbeddedProxy proxy) {
        int status = 0;
        try {
            proxy.close();
        } catch (Exception e) {
            System.err.println("relengapi-proxy: stop failed: " + e.getMessage());
            status = 1;
        }
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }
}
