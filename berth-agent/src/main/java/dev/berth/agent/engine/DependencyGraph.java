package dev.berth.agent.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A task's container dependencies ({@code dependsOn} plus links): the order to create and start
 * containers in, whether one may start now, and which must stop before another. Pure and
 * immutable; the worker asks it with the current container snapshots. The spec must be acyclic
 * ({@link TaskSpecValidator} checks that before a worker exists).
 */
final class DependencyGraph {

    /** Whether a container may start. */
    sealed interface Readiness {
        /** Every condition holds. */
        record Ready() implements Readiness {}

        /** Some condition may still hold later. */
        record Waiting() implements Readiness {}

        /** A condition can never hold; {@code reason} is the ECS-style explanation. */
        record Never(String reason) implements Readiness {}
    }

    private final TaskSpec task;
    private final List<String> startOrder;

    DependencyGraph(TaskSpec task) {
        this.task = task;
        var order = new ArrayList<String>();
        Set<String> placed = new HashSet<>();
        while (order.size() < task.containers().size()) {
            for (ContainerSpec c : task.containers()) {
                if (!placed.contains(c.name())
                        && c.effectiveDependencies().stream().allMatch(d -> placed.contains(d.containerName()))) {
                    order.add(c.name());
                    placed.add(c.name());
                }
            }
        }
        this.startOrder = List.copyOf(order);
    }

    /** Container names, every dependency before its dependents. */
    List<String> startOrder() {
        return startOrder;
    }

    /** Whether {@code container} may start given the current states of the task's containers. */
    Readiness readiness(ContainerSpec container, Map<String, ContainerState> states) {
        boolean waiting = false;
        for (ContainerDependency d : container.effectiveDependencies()) {
            ContainerState dep = states.get(d.containerName());
            if (d.condition().isMet(dep)) {
                continue;
            }
            if (d.condition().isUnreachable(dep)) {
                return new Readiness.Never("DependencyConditionNotMet: " + container.name() + " needs "
                        + d.containerName() + " to " + d.condition() + " but it stopped"
                        + (dep.exitCode() == null ? "" : " with exit code " + dep.exitCode()));
            }
            waiting = true;
        }
        return waiting ? new Readiness.Waiting() : new Readiness.Ready();
    }

    /**
     * True when a running container depends on {@code name}: ECS stops dependents first, so
     * {@code name} is not signalled yet.
     */
    boolean hasRunningDependents(String name, Map<String, ContainerState> states) {
        return task.containers().stream()
                .anyMatch(c -> !c.name().equals(name)
                        && states.get(c.name()).status() == ContainerStatus.RUNNING
                        && c.effectiveDependencies().stream()
                                .anyMatch(d -> d.containerName().equals(name)));
    }
}
