package dev.berth.ecs.cluster;

import dev.berth.store.Transaction;
import java.util.Map;

/**
 * What is running in a cluster, for DescribeClusters' counts and statistics and for DeleteCluster's
 * refusal while anything is left. The cluster API asks; whoever owns instances, tasks and services
 * answers, so the cluster code does not depend on them.
 */
@FunctionalInterface
public interface ClusterActivity {

    Counts counts(Transaction tx, String clusterName);

    /** The counters DescribeClusters reports; {@code statistics} holds ECS's per-launch-type breakdown. */
    record Counts(
            long registeredContainerInstances,
            long runningTasks,
            long pendingTasks,
            long activeServices,
            long drainingServices,
            Map<String, Long> statistics) {}
}
