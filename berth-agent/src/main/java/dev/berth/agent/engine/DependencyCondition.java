package dev.berth.agent.engine;

/**
 * ECS {@code dependsOn} conditions. Each knows when it is met by the dependency's current state
 * and when it never can be any more, which is what lets the worker fail a task early instead of
 * waiting for {@code startTimeout}.
 */
public enum DependencyCondition {
    /** The dependency has been started. */
    START,
    /** The dependency ran to completion (any exit code). */
    COMPLETE,
    /** The dependency ran to completion with exit code 0. */
    SUCCESS,
    /** The dependency's Docker health check reports healthy. */
    HEALTHY;

    /** True when the dependency in {@code state} satisfies this condition. */
    public boolean isMet(ContainerState state) {
        return switch (this) {
            case START -> state.status().compareTo(ContainerStatus.RUNNING) >= 0 && state.startedAt() != null;
            case COMPLETE -> state.status() == ContainerStatus.STOPPED && state.startedAt() != null;
            case SUCCESS ->
                state.status() == ContainerStatus.STOPPED && state.exitCode() != null && state.exitCode() == 0;
            case HEALTHY -> state.status() == ContainerStatus.RUNNING && state.healthStatus() == HealthStatus.HEALTHY;
        };
    }

    /** True when the dependency can no longer satisfy this condition (it stopped the wrong way). */
    public boolean isUnreachable(ContainerState state) {
        return state.status() == ContainerStatus.STOPPED && !isMet(state);
    }
}
