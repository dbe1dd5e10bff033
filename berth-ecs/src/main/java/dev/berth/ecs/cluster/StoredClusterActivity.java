package dev.berth.ecs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.ecs.Kinds;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts a cluster's container instances, tasks and services from the store. Only registered
 * (ACTIVE or DRAINING) container instances are under {@code container-instance}, so a key-prefix
 * count is ECS's registeredContainerInstancesCount. Running and pending tasks are the sums of the
 * registered instances' {@code runningTasksCount}/{@code pendingTasksCount}, which the task code
 * keeps exact in the same transactions that change tasks (every task runs on a registered
 * instance; deregistering one stops its tasks). One read of each instance, no scan of the
 * cluster's task history, which grows with every stopped task.
 */
public final class StoredClusterActivity implements ClusterActivity {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public Counts counts(Transaction tx, String clusterName) {
        String prefix = Kinds.inCluster(clusterName);
        long instances = tx.count(Kinds.CONTAINER_INSTANCE, prefix);
        long[] running = {0};
        long[] pending = {0};
        StorePages.forEach(tx, Kinds.CONTAINER_INSTANCE, prefix, e -> {
            try {
                JsonNode n = MAPPER.readTree(e.json());
                running[0] += n.path("runningTasksCount").asLong();
                pending[0] += n.path("pendingTasksCount").asLong();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
        long services = tx.count(Kinds.SERVICE, prefix);
        Map<String, Long> stats = new LinkedHashMap<>();
        stats.put("runningEC2TasksCount", running[0]);
        stats.put("runningFargateTasksCount", 0L);
        stats.put("pendingEC2TasksCount", pending[0]);
        stats.put("pendingFargateTasksCount", 0L);
        stats.put("activeEC2ServiceCount", services);
        stats.put("activeFargateServiceCount", 0L);
        stats.put("drainingEC2ServiceCount", 0L);
        stats.put("drainingFargateServiceCount", 0L);
        return new Counts(instances, running[0], pending[0], services, 0, stats);
    }
}
