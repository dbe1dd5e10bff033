package dev.berth.agent.engine;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An immutable snapshot of one task as the engine knows it, with its containers: what
 * {@link TaskEngine#tasks()} returns and a {@link TaskStateChange} carries. Timestamps follow the
 * ECS {@code Task} fields and are null until they happen.
 *
 * @param desiredStatus RUNNING or STOPPED; only ever moves forward
 * @param healthStatus the task's health as ECS computes it from its essential containers
 */
public record TaskState(
        String taskArn,
        String clusterName,
        String family,
        int revision,
        TaskStatus knownStatus,
        TaskStatus desiredStatus,
        StopCode stopCode,
        String stoppedReason,
        HealthStatus healthStatus,
        Instant pullStartedAt,
        Instant pullStoppedAt,
        Instant startedAt,
        Instant stoppingAt,
        Instant executionStoppedAt,
        Instant stoppedAt,
        List<ContainerState> containers) {

    public TaskState {
        containers = containers == null ? List.of() : List.copyOf(containers);
    }

    /** The container with this name, if any. */
    public Optional<ContainerState> container(String name) {
        return containers.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
