package dev.berth.agent.engine;

/** One ECS {@code ulimits} entry (e.g. {@code nofile}), passed to Docker unchanged. */
public record Ulimit(String name, long softLimit, long hardLimit) {}
