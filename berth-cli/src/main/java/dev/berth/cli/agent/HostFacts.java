package dev.berth.cli.agent;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What the agent learns about its host at start: cores, memory, CPU architecture and, if a Docker
 * Engine answers {@code docker version} within a few seconds, its version and API version.
 *
 * @param dockerVersion e.g. {@code 20.10.24}, or {@code unknown} when Docker is not reachable
 * @param dockerApiVersion e.g. {@code 1.41}, or null when Docker is not reachable
 */
public record HostFacts(int cores, long memoryMiB, String architecture, String dockerVersion, String dockerApiVersion) {

    public static HostFacts detect() {
        int cores = Runtime.getRuntime().availableProcessors();
        long memoryMiB = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memoryMiB = os.getTotalMemorySize() / (1024 * 1024);
        }
        String arch =
                switch (System.getProperty("os.arch", "")) {
                    case "amd64", "x86_64" -> "x86_64";
                    case "aarch64", "arm64" -> "arm64";
                    default -> System.getProperty("os.arch", "unknown");
                };
        String[] docker = docker();
        return new HostFacts(cores, memoryMiB, arch, docker[0], docker[1]);
    }

    /** {version, apiVersion} of the local Docker Engine, or {"unknown", null}. */
    private static String[] docker() {
        try {
            Process p = new ProcessBuilder(
                            "docker", "version", "--format", "{{.Server.Version}} {{.Server.APIVersion}}")
                    .redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new String[] {"unknown", null};
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            String[] parts = out.split(" ");
            if (p.exitValue() == 0 && parts.length == 2 && parts[1].matches("1\\.\\d+")) {
                return parts;
            }
        } catch (IOException e) {
            // no docker binary
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new String[] {"unknown", null};
    }
}
