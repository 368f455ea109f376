package org.mozilla.relengapi.proxy.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** Tomcat 10.1 from the official distribution, run with a fresh CATALINA_BASE. */
public final class TomcatContainer extends ServletContainer {
    private final Path home = Path.of(System.getProperty("it.tomcat.home"));

    public TomcatContainer(Path base) throws IOException {
        super(base);
        for (String dir : List.of("logs", "temp", "webapps", "work", "conf/Catalina/localhost")) {
            Files.createDirectories(base.resolve(dir));
        }
        try (Stream<Path> files = Files.list(home.resolve("conf"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, base.resolve("conf").resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path serverXml = base.resolve("conf/server.xml");
        String xml = Files.readString(serverXml)
            .replace("<Server port=\"8005\"", "<Server port=\"-1\"")
            .replace("<Connector port=\"8080\"", "<Connector address=\"127.0.0.1\" port=\"" + port + "\"");
        Files.writeString(serverXml, xml);
    }

    @Override
    public void deploy(String context, String args) throws IOException {
        Files.copy(war(), base.resolve("webapps/" + context + ".war"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(base.resolve("conf/Catalina/localhost/" + context + ".xml"),
            contextFile("tomcat-context.xml", context, args));
    }

    @Override
    protected List<String> command() {
        // The JVM options are the ones catalina.sh passes.
        return java("--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED", "-Dcatalina.home=" + home, "-Dcatalina.base=" + base, "-Djava.io.tmpdir=" + base.resolve("temp"),
            "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
            "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
            "-cp", home.resolve("bin/bootstrap.jar") + ":" + home.resolve("bin/tomcat-juli.jar"),
            "org.apache.catalina.startup.Bootstrap", "start");
    }
}
