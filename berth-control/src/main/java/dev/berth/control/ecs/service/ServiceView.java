package dev.berth.control.ecs.service;

import dev.berth.control.ecs.task.TaskLifecycle;
import dev.berth.model.lb.LoadBalancerTargets.TargetHealth;
import dev.berth.scheduler.ClusterSnapshot;
import dev.berth.scheduler.PlacementConstraint;
import dev.berth.scheduler.PlacementStrategy;
import dev.berth.scheduler.TaskRequirements;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Everything {@link ServicePlanner} looks at, read by the controller in one store read: the service,
 * its tasks (live and recently stopped), the cluster snapshot, what the primary deployment's tasks
 * need, and the load balancers' view of the tasks. Plain data, so the planner is a pure function and
 * its tests build views by hand.
 *
 * @param healthChecked task definition ARNs whose containers declare a healthCheck (their tasks count
 *     as healthy only once HEALTHY)
 * @param targetHealth per task id, the worst target health over the service's target groups (absent:
 *     not registered or the service has no load balancer)
 */
public record ServiceView(StoredService service, List<TaskView> tasks, ClusterSnapshot snapshot,
        TaskRequirements primaryRequirements, List<PlacementConstraint> constraints, List<PlacementStrategy> strategies,
        java.util.Set<String> healthChecked, Map<String, TargetHealth> targetHealth, long now, RandomGenerator random) {

    /**
     * One task of the service as the planner needs it.
     *
     * @param deploymentId the task's startedBy (the deployment that started it)
     * @param health the task's healthStatus (HEALTHY, UNHEALTHY or UNKNOWN)
     * @param registered whether the controller registered it with the service's target groups
     */
    public record TaskView(String id, String instanceArn, String deploymentId, String taskDefinitionArn,
            TaskLifecycle lastStatus, boolean desiredRunning, String health, Long startedAt, String stopCode,
            int cpu, int memory, boolean registered) {

        public boolean live() {
            return desiredRunning && lastStatus != TaskLifecycle.STOPPED;
        }

        public boolean running() {
            return desiredRunning && lastStatus == TaskLifecycle.RUNNING;
        }

        public boolean pending() {
            return desiredRunning && lastStatus.bucket() == TaskLifecycle.Bucket.PENDING;
        }
    }
}
