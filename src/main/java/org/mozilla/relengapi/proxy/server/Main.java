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
        started.proxy().join();
    }
}
