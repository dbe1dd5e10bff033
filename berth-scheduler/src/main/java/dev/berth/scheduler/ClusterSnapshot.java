package dev.berth.scheduler;

import java.util.List;

/**
 * The container instances of one cluster at one moment: everything placement decides on. The order
 * of the list is the final tie-break of every strategy, so a snapshot built in a stable order (by
 * registration, say) gives stable placements.
 */
public record ClusterSnapshot(List<ContainerInstance> instances) {

    public ClusterSnapshot {
        instances = List.copyOf(instances);
    }
}
