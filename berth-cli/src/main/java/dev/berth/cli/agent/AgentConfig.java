package dev.berth.cli.agent;

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
 */
public record AgentConfig(URI server, String cluster, String hostIp, Path dataDir, String token, Path tokenFile,
        Integer cpu, Integer memory, int memoryReserve, String availabilityZone, String instanceType, String amiId,
        Map<String, String> attributes, boolean deregisterOnExit, Duration backoffMax) {

    public AgentConfig {
        if (token == null && tokenFile == null) {
            throw new IllegalArgumentException("the agent needs --token or --token-file");
        }
        attributes = attributes == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
        cluster = cluster == null ? "default" : cluster;
        hostIp = hostIp == null ? "127.0.0.1" : hostIp;
        instanceType = instanceType == null ? "berth.host" : instanceType;
        amiId = amiId == null ? "ami-berth" : amiId;
        if (backoffMax == null) {
            backoffMax = Duration.ofSeconds(30);
        }
    }
}
