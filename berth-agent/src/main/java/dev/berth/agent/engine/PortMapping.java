package dev.berth.agent.engine;

import java.util.Locale;

/**
 * One ECS {@code portMappings} entry. {@code hostPort} null or 0 in bridge mode asks Docker for
 * an ephemeral host port (reported back in a {@link NetworkBinding}); in host mode the host port
 * is the container port.
 *
 * @param containerPort the port inside the container (1-65535)
 * @param hostPort the port on the instance's host IP, or null/0 for a dynamic port
 * @param protocol {@code tcp} (default) or {@code udp}
 */
public record PortMapping(int containerPort, Integer hostPort, String protocol) {
    public PortMapping {
        if (containerPort < 1 || containerPort > 65535) {
            throw new IllegalArgumentException("containerPort out of range: " + containerPort);
        }
        if (hostPort != null && (hostPort < 0 || hostPort > 65535)) {
            throw new IllegalArgumentException("hostPort out of range: " + hostPort);
        }
        protocol = protocol == null || protocol.isBlank() ? "tcp" : protocol.toLowerCase(Locale.ROOT);
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw new IllegalArgumentException("protocol must be tcp or udp: " + protocol);
        }
    }

    /** A TCP mapping. */
    public static PortMapping tcp(int containerPort, Integer hostPort) {
        return new PortMapping(containerPort, hostPort, "tcp");
    }

    /** True when Docker chooses the host port. */
    public boolean dynamic() {
        return hostPort == null || hostPort == 0;
    }
}
