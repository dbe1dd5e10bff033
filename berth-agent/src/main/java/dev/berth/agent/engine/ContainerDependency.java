package dev.berth.agent.engine;

/** One ECS {@code dependsOn} entry: start this container once {@code containerName} meets the condition. */
public record ContainerDependency(String containerName, DependencyCondition condition) {}
