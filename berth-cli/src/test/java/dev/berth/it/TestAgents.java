package dev.berth.it;

import dev.berth.agent.engine.ImagePullBehavior;
import dev.berth.cli.agent.Agent;
import dev.berth.cli.agent.AgentConfig;
import dev.berth.cli.agent.HostFacts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts real agents in-process against a {@link TestServer}, each as its own "machine": its own
 * loopback host IP, data directory and attributes, with fixed host facts (2 cores, 4 GiB, no Docker)
 * so tests do not depend on the machine they run on. Closes them all at the end.
 */
final class TestAgents implements AutoCloseable {

    static final HostFacts HOST = new HostFacts(2, 4096, "x86_64", "unknown", null);
    /** The same machine with Docker (API 1.41): agents that run tasks advertise the engine's capabilities. */
    static final HostFacts DOCKER_HOST = new HostFacts(2, 4096, "x86_64", "24.0.7", "1.41");

    private final TestServer server;
    private final List<Agent> started = new ArrayList<>();

    TestAgents(TestServer server) {
        this.server = server;
    }

    static Path newDataDir() {
        try {
            return Files.createTempDirectory("berth-agent");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts an agent in {@code cluster} at {@code hostIp} and waits until it has registered. */
    Agent start(String cluster, String hostIp, String instanceType, Map<String, String> attributes, Path dataDir) {
        return start(cluster, hostIp, instanceType, attributes, dataDir, ImagePullBehavior.PREFER_CACHED, HOST);
    }

    /** An agent that runs tasks on this machine's Docker Engine with locally built images. */
    Agent startDocker(String cluster, String hostIp, Path dataDir) {
        return start(cluster, hostIp, "t3.small", Map.of(), dataDir, ImagePullBehavior.PREFER_CACHED, DOCKER_HOST);
    }

    /** The same, with an image pull behaviour (tests that run tasks use locally built images: PREFER_CACHED). */
    Agent start(
            String cluster,
            String hostIp,
            String instanceType,
            Map<String, String> attributes,
            Path dataDir,
            ImagePullBehavior pull,
            HostFacts host) {
        return start(cluster, hostIp, instanceType, attributes, dataDir, pull, host, null);
    }

    /** The same, with the task engine on {@code dockerHost} (null: the local Docker Engine). */
    Agent start(
            String cluster,
            String hostIp,
            String instanceType,
            Map<String, String> attributes,
            Path dataDir,
            ImagePullBehavior pull,
            HostFacts host,
            java.net.URI dockerHost) {
        AgentConfig config = new AgentConfig(
                server.endpoint(),
                cluster,
                hostIp,
                dataDir,
                null,
                server.server().joinTokenFile(),
                null,
                null,
                256,
                null,
                instanceType,
                null,
                attributes,
                false,
                Duration.ofSeconds(1),
                pull,
                dockerHost);
        Agent agent = Agent.start(config, () -> host);
        started.add(agent);
        try {
            agent.awaitRegistered(Duration.ofSeconds(20));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return agent;
    }

    @Override
    public void close() {
        started.forEach(Agent::close);
    }
}
