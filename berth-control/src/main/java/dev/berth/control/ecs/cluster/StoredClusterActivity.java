package dev.berth.control.ecs.cluster;

import dev.berth.control.Kinds;
import dev.berth.store.Transaction;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts a cluster's container instances, tasks and services from the documents under the
 * cluster's key prefix in their kinds (see {@link Kinds}). Only registered (ACTIVE or DRAINING)
 * container instances are under {@code container-instance}; deregistered ones move to another kind,
 * so a prefix count is ECS's registeredContainerInstancesCount. Until the task and service issues
 * add their documents those counts are zero because there is nothing to count, not because they are
 * faked. Tasks are counted as pending until a task status breakdown exists.
 */
public final class StoredClusterActivity implements ClusterActivity {

    @Override
    public Counts counts(Transaction tx, String clusterName) {
        String prefix = Kinds.inCluster(clusterName);
        long instances = tx.count(Kinds.CONTAINER_INSTANCE, prefix);
        long tasks = tx.count(Kinds.TASK, prefix);
        long services = tx.count(Kinds.SERVICE, prefix);
        Map<String, Long> stats = new LinkedHashMap<>();
        stats.put("runningEC2TasksCount", 0L);
        stats.put("runningFargateTasksCount", 0L);
        stats.put("pendingEC2TasksCount", tasks);
        stats.put("pendingFargateTasksCount", 0L);
        stats.put("activeEC2ServiceCount", services);
        stats.put("activeFargateServiceCount", 0L);
        stats.put("drainingEC2ServiceCount", 0L);
        stats.put("drainingFargateServiceCount", 0L);
        return new Counts(instances, 0, tasks, services, 0, stats);
    }
}
