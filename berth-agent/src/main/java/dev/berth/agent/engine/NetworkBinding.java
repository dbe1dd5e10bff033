package dev.berth.agent.engine;

/**
 * Where a container port is reachable, as ECS reports it in {@code networkBindings}: read back
 * from Docker after start, so dynamic host ports carry the port Docker actually chose.
 */
public record NetworkBinding(String bindIP, int containerPort, int hostPort, String protocol) {}
