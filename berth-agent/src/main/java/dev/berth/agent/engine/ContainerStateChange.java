package dev.berth.agent.engine;

/**
 * One container's status, exit code, network bindings, health or runtime id changed. Published
 * before any {@link TaskStateChange} the same container change causes.
 */
public record ContainerStateChange(String taskArn, ContainerState container) implements TaskEvent {}
