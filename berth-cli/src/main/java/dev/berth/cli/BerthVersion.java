package dev.berth.cli;

import picocli.CommandLine;

/** Berth's version, from the jar manifest when packaged. */
public final class BerthVersion implements CommandLine.IVersionProvider {

    public static String version() {
        String v = BerthVersion.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"berth " + version()};
    }
}
