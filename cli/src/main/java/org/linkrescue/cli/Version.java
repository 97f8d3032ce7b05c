package org.linkrescue.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version the build wrote into version.properties (Maven resource filtering): one source, the pom. */
final class Version implements IVersionProvider {
    static String number() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            // a jar that cannot read its own resource: say so in the version instead
        }
        return p.getProperty("version", "unknown (built without version.properties)");
    }

    @Override
    public String[] getVersion() {
        return new String[] {"linkrescue " + number(), "Java " + System.getProperty("java.version") + " on "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
    }
}
