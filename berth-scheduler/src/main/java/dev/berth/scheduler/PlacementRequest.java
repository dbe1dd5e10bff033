package dev.berth.scheduler;

import java.util.List;
import java.util.Objects;

/**
 * One placement question: place {@code count} tasks with these requirements, in this task group,
 * under these constraints (the task definition's and the call's, concatenated by the caller) and
 * strategies (applied in order; an empty list places on the first eligible instance in snapshot
 * order, so callers pass {@link PlacementStrategy#RUN_TASK_DEFAULT} or
 * {@link PlacementStrategy#SERVICE_DEFAULT} to get ECS's defaults).
 *
 * @param group the ECS task group: {@code family:<name>} for RunTask by default, {@code service:<name>}
 *              for a service's tasks; spread and distinctInstance count tasks of this group
 */
public record PlacementRequest(
        TaskRequirements task,
        String group,
        List<PlacementConstraint> constraints,
        List<PlacementStrategy> strategies,
        int count) {

    public PlacementRequest {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(group, "group");
        constraints = List.copyOf(constraints);
        strategies = List.copyOf(strategies);
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative");
        }
    }
}
