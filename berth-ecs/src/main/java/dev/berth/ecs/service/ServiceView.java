package dev.berth.ecs.service;

import dev.berth.ecs.task.TaskLifecycle;
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
 * @param drainMillis the longest deregistration delay over the service's target groups: how long a
 *     registered task's stop is held while its targets drain
 * @param drained ids of tasks held for draining whose targets have all finished draining (unused)
 * @param elbFailures per task id, where it is {@code unhealthy}: one entry per target group, in the
 *     order of the service's {@code loadBalancers}
 */
public record ServiceView(
        StoredService service,
        List<TaskView> tasks,
        ClusterSnapshot snapshot,
        TaskRequirements primaryRequirements,
        List<PlacementConstraint> constraints,
        List<PlacementStrategy> strategies,
        java.util.Set<String> healthChecked,
        Map<String, TargetHealth> targetHealth,
        long now,
        RandomGenerator random,
        long drainMillis,
        java.util.Set<String> drained,
        Map<String, List<ElbFailure>> elbFailures) {

    /**
     * A task's target that its load balancer reports {@code unhealthy}.
     *
     * @param targetId the target's id: the EC2 instance id of the task's container instance (instance
     *     targets) or an IP (ip targets)
     * @param port the target's port (the host port of the task's container port)
     * @param reason ELB's description of the failure, e.g. "Health checks failed with these codes: [503]"
     */
    public record ElbFailure(String targetGroupArn, String targetId, int port, String reason) {}

    /** The same view without ELB failure details (tests of the draining logic). */
    public ServiceView(
            StoredService service,
            List<TaskView> tasks,
            ClusterSnapshot snapshot,
            TaskRequirements primaryRequirements,
            List<PlacementConstraint> constraints,
            List<PlacementStrategy> strategies,
            java.util.Set<String> healthChecked,
            Map<String, TargetHealth> targetHealth,
            long now,
            RandomGenerator random,
            long drainMillis,
            java.util.Set<String> drained) {
        this(
                service,
                tasks,
                snapshot,
                primaryRequirements,
                constraints,
                strategies,
                healthChecked,
                targetHealth,
                now,
                random,
                drainMillis,
                drained,
                Map.of());
    }

    /** A view without load balancer draining (no delay, nothing drained). */
    public ServiceView(
            StoredService service,
            List<TaskView> tasks,
            ClusterSnapshot snapshot,
            TaskRequirements primaryRequirements,
            List<PlacementConstraint> constraints,
            List<PlacementStrategy> strategies,
            java.util.Set<String> healthChecked,
            Map<String, TargetHealth> targetHealth,
            long now,
            RandomGenerator random) {
        this(
                service,
                tasks,
                snapshot,
                primaryRequirements,
                constraints,
                strategies,
                healthChecked,
                targetHealth,
                now,
                random,
                0,
                java.util.Set.of(),
                Map.of());
    }

    /** The same view with the load balancers' side filled in. */
    public ServiceView withLoadBalancers(
            Map<String, TargetHealth> health,
            long drain,
            java.util.Set<String> done,
            Map<String, List<ElbFailure>> failures) {
        return new ServiceView(
                service,
                tasks,
                snapshot,
                primaryRequirements,
                constraints,
                strategies,
                healthChecked,
                health,
                now,
                random,
                drain,
                done,
                failures);
    }

    /**
     * One task of the service as the planner needs it.
     *
     * @param deploymentId the task's startedBy (the deployment that started it)
     * @param health the task's healthStatus (HEALTHY, UNHEALTHY or UNKNOWN)
     * @param registered whether the controller registered it with the service's target groups
     * @param drainUntil while its stop is held for draining, until when (epoch millis)
     */
    public record TaskView(
            String id,
            String instanceArn,
            String deploymentId,
            String taskDefinitionArn,
            TaskLifecycle lastStatus,
            boolean desiredRunning,
            String health,
            Long startedAt,
            String stopCode,
            int cpu,
            int memory,
            boolean registered,
            Long drainUntil) {

        public TaskView(
                String id,
                String instanceArn,
                String deploymentId,
                String taskDefinitionArn,
                TaskLifecycle lastStatus,
                boolean desiredRunning,
                String health,
                Long startedAt,
                String stopCode,
                int cpu,
                int memory,
                boolean registered) {
            this(
                    id,
                    instanceArn,
                    deploymentId,
                    taskDefinitionArn,
                    lastStatus,
                    desiredRunning,
                    health,
                    startedAt,
                    stopCode,
                    cpu,
                    memory,
                    registered,
                    null);
        }

        /** Stopped by a decision whose agent still runs it while its targets drain. */
        public boolean draining() {
            return !desiredRunning && drainUntil != null && lastStatus != TaskLifecycle.STOPPED;
        }

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
