package org.mozilla.relengapi.proxy.war;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.mozilla.relengapi.proxy.testsupport.TomcatContainer;

/** The WAR in a standalone Tomcat 10.1, which has no Jetty executor for the proxy servlets. */
class TomcatWarIT extends WarDeploymentContract {

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        startContainer(dir, TomcatContainer::new);
    }
}
