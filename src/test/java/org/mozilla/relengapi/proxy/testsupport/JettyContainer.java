package org.mozilla.relengapi.proxy.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/** Jetty 12 standalone (jetty-home) with a fresh JETTY_BASE holding the http and ee10-deploy modules. */
public final class JettyContainer extends ServletContainer {
    private final Path home = Path.of(System.getProperty("it.jetty.home"));

    public JettyContainer(Path base) throws IOException, InterruptedException {
        super(base);
        Files.createDirectories(base.resolve("webapps"));
        ProxyProcess setup = ProxyProcess.startCommand(java("-jar", home.resolve("start.jar").toString(),
            "jetty.home=" + home, "jetty.base=" + base, "--add-modules=http,ee10-deploy"), base);
        if (setup.waitFor(Duration.ofSeconds(60)) != 0) {
            throw new IOException("jetty --add-modules failed:\n" + setup.stdout() + setup.stderr());
        }
    }

    @Override
    public void deploy(String context, String args) throws IOException {
        Files.copy(war(), base.resolve("webapps/" + context + ".war"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(base.resolve("webapps/" + context + ".xml"), contextFile("jetty-context.xml", context, args));
    }

    @Override
    protected List<String> command() {
        return java("-jar", home.resolve("start.jar").toString(), "jetty.home=" + home, "jetty.base=" + base,
            "jetty.http.host=127.0.0.1", "jetty.http.port=" + port);
    }
}
