package org.mozilla.relengapi.proxy.war;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.mozilla.relengapi.proxy.testsupport.JettyContainer;

/** The WAR in a standalone Jetty 12 (ee10-deploy), which hides its own Jetty classes from web applications. */
class JettyWarIT extends WarDeploymentContract {

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        startContainer(dir, JettyContainer::new);
    }
}
