package dev.berth.cli.agent;

import dev.berth.agent.engine.DockerHost;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;

/**
 * What the agent learns about its host: cores, memory, CPU architecture and, if its Docker Engine
 * answers within a few seconds, the engine's version and API version. The agent reads them again
 * whenever the engine starts answering (and every few minutes), so capabilities follow the engine.
 *
 * @param dockerVersion e.g. {@code 20.10.24}, or {@code unknown} when Docker is not reachable
 * @param dockerApiVersion e.g. {@code 1.41}, or null when Docker is not reachable
 */
public record HostFacts(int cores, long memoryMiB, String architecture, String dockerVersion, String dockerApiVersion) {

    /** The facts of this machine, with the Docker Engine at {@code dockerHost} (see {@link DockerHost}). */
    public static HostFacts detect(URI dockerHost) {
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
        var engine = DockerHost.version(dockerHost == null ? DockerHost.DEFAULT : dockerHost, Duration.ofSeconds(5));
        return new HostFacts(
                cores,
                memoryMiB,
                arch,
                engine.map(DockerHost.EngineVersion::version).orElse("unknown"),
                engine.map(DockerHost.EngineVersion::apiVersion).orElse(null));
    }
}
