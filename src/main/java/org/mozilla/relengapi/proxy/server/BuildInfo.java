package org.mozilla.relengapi.proxy.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** What this build is, for {@code --version} and {@code /__version__}. Unknown values are empty. */
public record BuildInfo(String source, String version, String commit, String build) {
    private static final String RESOURCE = "/relengapi-proxy-version.properties";

    public static BuildInfo load() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // A build without the resource still runs; it just cannot say what it is.
        }
        return new BuildInfo(value(properties, "source"), value(properties, "version"), value(properties, "commit"),
            value(properties, "build"));
    }

    private static String value(Properties properties, String key) {
        String value = properties.getProperty(key, "");
        return value.startsWith("${") ? "" : value;
    }
}
