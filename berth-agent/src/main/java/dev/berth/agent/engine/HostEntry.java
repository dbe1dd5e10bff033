package dev.berth.agent.engine;

/** One ECS {@code extraHosts} entry: a line added to the container's {@code /etc/hosts}. */
public record HostEntry(String hostname, String ipAddress) {}
