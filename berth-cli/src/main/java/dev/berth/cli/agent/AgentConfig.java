package dev.berth.cli.agent;

import dev.berth.agent.engine.DockerHost;
import dev.berth.agent.engine.ImagePullBehavior;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything {@code berth agent} is started with.
 *
 * @param token the join token itself, or null to read {@code tokenFile} at each registration attempt
 *     (so a rotated token written to the file is picked up without a restart)
 * @param cpu CPU units to register, or null for 1024 per core
 * @param memory MiB to register, or null for the host's memory minus {@code memoryReserve}
 * @param attributes custom {@code --attribute k=v} attributes (a null value: attribute without value)
 * @param availabilityZone {@code ecs.availability-zone}, or null to let the server use {@code <region>a}
 * @param instanceType {@code ecs.instance-type}, default {@code berth.host}
 * @param amiId {@code ecs.ami-id}, default {@code ami-berth}
 * @param backoffMax longest wait between reconnection attempts, default 30 s
 * @param imagePullBehavior ECS_IMAGE_PULL_BEHAVIOR for the task engine: default, always, once or prefer-cached
 * @param dockerHost the Docker Engine endpoint ({@code unix://} or {@code tcp://}, see {@link DockerHost#parse}),
 *     or null for {@code unix:///var/run/docker.sock}
 */
public record AgentConfig(
        URI server,
        String cluster,
        String hostIp,
        Path dataDir,
        String token,
        Path tokenFile,
        Integer cpu,
        Integer memory,
        int memoryReserve,
        String availabilityZone,
        String instanceType,
        String amiId,
        Map<String, String> attributes,
        boolean deregisterOnExit,
        Duration backoffMax,
        ImagePullBehavior imagePullBehavior,
        URI dockerHost) {

    /** A configuration with the default Docker Engine endpoint. */
    public AgentConfig(
            URI server,
            String cluster,
            String hostIp,
            Path dataDir,
            String token,
            Path tokenFile,
            Integer cpu,
            Integer memory,
            int memoryReserve,
            String availabilityZone,
            String instanceType,
            String amiId,
            Map<String, String> attributes,
            boolean deregisterOnExit,
            Duration backoffMax,
            ImagePullBehavior imagePullBehavior) {
        this(
                server,
                cluster,
                hostIp,
                dataDir,
                token,
                tokenFile,
                cpu,
                memory,
                memoryReserve,
                availabilityZone,
                instanceType,
                amiId,
                attributes,
                deregisterOnExit,
                backoffMax,
                imagePullBehavior,
                null);
    }

    /** A configuration with the default image pull behaviour. */
    public AgentConfig(
            URI server,
            String cluster,
            String hostIp,
            Path dataDir,
            String token,
            Path tokenFile,
            Integer cpu,
            Integer memory,
            int memoryReserve,
            String availabilityZone,
            String instanceType,
            String amiId,
            Map<String, String> attributes,
            boolean deregisterOnExit,
            Duration backoffMax) {
        this(
                server,
                cluster,
                hostIp,
                dataDir,
                token,
                tokenFile,
                cpu,
                memory,
                memoryReserve,
                availabilityZone,
                instanceType,
                amiId,
                attributes,
                deregisterOnExit,
                backoffMax,
                ImagePullBehavior.DEFAULT);
    }

    /** {@code default}, {@code always}, {@code once} or {@code prefer-cached} (any case, - or _). */
    public static ImagePullBehavior parsePullBehavior(String s) {
        try {
            return ImagePullBehavior.valueOf(
                    s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "image pull behavior must be default, always, once or prefer-cached: " + s);
        }
    }

    public AgentConfig {
        imagePullBehavior = imagePullBehavior == null ? ImagePullBehavior.DEFAULT : imagePullBehavior;
        dockerHost = dockerHost == null ? DockerHost.DEFAULT : dockerHost;
        if (token == null && tokenFile == null) {
            throw new IllegalArgumentException("the agent needs --token or --token-file");
        }
        attributes = attributes == null
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
        cluster = cluster == null ? "default" : cluster;
        hostIp = hostIp == null ? "127.0.0.1" : hostIp;
        instanceType = instanceType == null ? "berth.host" : instanceType;
        amiId = amiId == null ? "ami-berth" : amiId;
        if (backoffMax == null) {
            backoffMax = Duration.ofSeconds(30);
        }
    }
}
