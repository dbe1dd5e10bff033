package dev.berth.ecs.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.berth.ecs.service.ServiceView.TaskView;
import dev.berth.ecs.service.StoredService.Deployment;
import dev.berth.ecs.task.TaskLifecycle;
import dev.berth.model.lb.LoadBalancerTargets.TargetHealth;
import dev.berth.scheduler.ClusterSnapshot;
import dev.berth.scheduler.ContainerInstance;
import dev.berth.scheduler.InstanceStatus;
import dev.berth.scheduler.TaskRequirements;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The service planner as a table of situations and the plans they must produce: replacement of
 * stopped and unhealthy tasks, the min/max bounds of a rolling deployment, scale-in, draining
 * instances, the restart throttle, both stages of the circuit breaker with and without rollback,
 * completion and the steady-state event, DAEMON placement, draining and replacement, deletion, and
 * the load balancer registration decisions.
 */
class ServicePlannerTest {

    static final long NOW = 1_000_000_000L;
    static final String TD1 = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1";
    static final String TD2 = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:2";
    static final String D1 = "ecs-svc/1000000000000000001";
    static final String D2 = "ecs-svc/1000000000000000002";
    int next;

    static String arn(int i) {
        return "arn:aws:ecs:us-east-1:000000000000:container-instance/c/" + "i".repeat(31) + i;
    }

    static ContainerInstance instance(int i, InstanceStatus status, Map<String, Integer> groups) {
        return ContainerInstance.builder(arn(i))
                .ec2InstanceId("i-" + i)
                .status(status)
                .resources(1024, 2048)
                .remaining(1024, 2048)
                .taskGroups(groups)
                .build();
    }

    static ClusterSnapshot cluster(int n) {
        List<ContainerInstance> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(instance(i, InstanceStatus.ACTIVE, Map.of()));
        }
        return new ClusterSnapshot(out);
    }

    static Deployment deployment(String id, String td, int desired, String state) {
        return new Deployment(
                id,
                "PRIMARY",
                td,
                desired,
                0,
                0,
                0,
                NOW - 1000,
                NOW - 1000,
                state,
                "ECS deployment " + id + " in progress.",
                false);
    }

    static StoredService service(
            String strategy,
            int desired,
            int min,
            int max,
            boolean cb,
            boolean rollback,
            List<Deployment> deployments) {
        return new StoredService(
                "c",
                "web",
                StoredService.ACTIVE,
                desired,
                "EC2",
                strategy,
                deployments.getFirst().taskDefinitionArn(),
                new StoredService.DeploymentConfig(min, max, cb, rollback, null),
                null,
                null,
                JsonNodeFactory.instance.arrayNode(),
                null,
                null,
                "NONE",
                false,
                List.of(),
                null,
                null,
                NOW - 5000,
                "arn:aws:iam::000000000000:root",
                deployments,
                List.of(),
                null,
                List.of(),
                null,
                false);
    }

    static StoredService replica(int desired, int min, int max) {
        return service(
                StoredService.REPLICA,
                desired,
                min,
                max,
                false,
                false,
                List.of(deployment(D1, TD1, desired, "IN_PROGRESS")));
    }

    TaskView task(String deployment, int instance, TaskLifecycle status) {
        String td = deployment.equals(D1) ? TD1 : TD2;
        String id = String.format("%032x", ++next);
        return new TaskView(
                id,
                arn(instance),
                deployment,
                td,
                status,
                true,
                "UNKNOWN",
                status == TaskLifecycle.RUNNING ? NOW - 10_000 + next : null,
                null,
                10,
                32,
                false);
    }

    static TaskView stopped(TaskView t, String stopCode, Long startedAt) {
        return new TaskView(
                t.id(),
                t.instanceArn(),
                t.deploymentId(),
                t.taskDefinitionArn(),
                TaskLifecycle.STOPPED,
                false,
                t.health(),
                startedAt,
                stopCode,
                t.cpu(),
                t.memory(),
                t.registered());
    }

    static TaskView health(TaskView t, String health) {
        return new TaskView(
                t.id(),
                t.instanceArn(),
                t.deploymentId(),
                t.taskDefinitionArn(),
                t.lastStatus(),
                t.desiredRunning(),
                health,
                t.startedAt(),
                t.stopCode(),
                t.cpu(),
                t.memory(),
                t.registered());
    }

    static Plan plan(StoredService s, List<TaskView> tasks, ClusterSnapshot snapshot) {
        return plan(s, tasks, snapshot, Set.of(), Map.of());
    }

    static Plan plan(
            StoredService s,
            List<TaskView> tasks,
            ClusterSnapshot snapshot,
            Set<String> checked,
            Map<String, TargetHealth> lb) {
        return ServicePlanner.plan(new ServiceView(
                s,
                tasks,
                snapshot,
                TaskRequirements.of(10, 32),
                List.of(),
                List.of(),
                checked,
                lb,
                NOW,
                new Random(7)));
    }

    static List<String> messages(Plan p) {
        return p.service().events().stream().map(StoredService.Event::message).toList();
    }

    List<TaskView> running(String deployment, int count, int instances) {
        List<TaskView> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(task(deployment, i % instances, TaskLifecycle.RUNNING));
        }
        return out;
    }

    @Test
    void thresholdFollowsEcs() {
        assertThat(ServicePlanner.threshold(1)).isEqualTo(3);
        assertThat(ServicePlanner.threshold(6)).isEqualTo(3);
        assertThat(ServicePlanner.threshold(7)).isEqualTo(4);
        assertThat(ServicePlanner.threshold(10)).isEqualTo(5);
        assertThat(ServicePlanner.threshold(399)).isEqualTo(200);
        assertThat(ServicePlanner.threshold(1000)).isEqualTo(200);
    }

    @Test
    void newServiceStartsDesiredCount() {
        Plan p = plan(replica(3, 100, 200), List.of(), cluster(2));
        assertThat(p.start()).isEqualTo(3);
        assertThat(p.startDeploymentId()).isEqualTo(D1);
        assertThat(p.startTaskDefinitionArn()).isEqualTo(TD1);
        assertThat(p.stops()).isEmpty();
        assertThat(p.service().steady()).isFalse();
        assertThat(p.wakeAtMillis()).isPositive();
    }

    @Test
    void steadyServiceCompletesOnceAndReportsSteadyState() {
        List<TaskView> tasks = running(D1, 3, 2);
        Plan p = plan(replica(3, 100, 200), tasks, cluster(2));
        assertThat(p.hasActions()).isFalse();
        Deployment d = p.service().primary();
        assertThat(d.rolloutState()).isEqualTo("COMPLETED");
        assertThat(d.rolloutStateReason()).isEqualTo("ECS deployment " + D1 + " completed.");
        assertThat(d.runningCount()).isEqualTo(3);
        assertThat(messages(p))
                .containsExactly(
                        "(service web) has reached a steady state.",
                        "(service web) (deployment " + D1 + ") deployment completed.");
        assertThat(p.service().lastCompleted()).isEqualTo(new StoredService.Rollback(D1, TD1));
        // a second pass changes nothing
        Plan again = plan(p.service(), tasks, cluster(2));
        assertThat(again.service()).isEqualTo(p.service());
    }

    @Test
    void stoppedTaskIsReplacedAndCountedOnce() {
        List<TaskView> tasks = new ArrayList<>(running(D1, 3, 2));
        tasks.set(0, stopped(tasks.get(0), "EssentialContainerExited", NOW - 5000));
        Plan p = plan(replica(3, 100, 200), tasks, cluster(2));
        assertThat(p.start()).isEqualTo(1);
        assertThat(p.service().primary().failedTasks()).isEqualTo(1);
        assertThat(p.service().handledStopped()).containsExactly(tasks.get(0).id());
        Plan again = plan(p.service(), tasks, cluster(2));
        assertThat(again.service().primary().failedTasks()).isEqualTo(1);
        // a task a user stopped is replaced but is no failure
        List<TaskView> user = new ArrayList<>(running(D1, 3, 2));
        user.set(1, stopped(user.get(1), "UserInitiated", NOW - 5000));
        assertThat(plan(replica(3, 100, 200), user, cluster(2))
                        .service()
                        .primary()
                        .failedTasks())
                .isZero();
    }

    @Test
    void pendingTasksAreNotStartedTwice() {
        List<TaskView> tasks = List.of(task(D1, 0, TaskLifecycle.PENDING), task(D1, 1, TaskLifecycle.PROVISIONING));
        Plan p = plan(replica(3, 100, 200), tasks, cluster(2));
        assertThat(p.start()).isEqualTo(1);
        assertThat(p.service().primary().pendingCount()).isEqualTo(2);
    }

    @Test
    void scaleInStopsSurplusPendingFirst() {
        List<TaskView> tasks = new ArrayList<>(running(D1, 3, 3));
        TaskView pending = task(D1, 0, TaskLifecycle.PENDING);
        tasks.add(pending);
        Plan p = plan(replica(2, 100, 200), tasks, cluster(3));
        assertThat(p.stops()).hasSize(2);
        assertThat(p.stops().getFirst().taskId()).isEqualTo(pending.id());
        assertThat(p.stops().getFirst().reason()).isEqualTo("Scaling activity initiated by (deployment " + D1 + ")");
        assertThat(messages(p))
                .anySatisfy(m -> assertThat(m).startsWith("(service web) has stopped 2 running tasks: (task "));
    }

    StoredService rolling(int desired, int min, int max) {
        return service(
                StoredService.REPLICA,
                desired,
                min,
                max,
                false,
                false,
                List.of(
                        deployment(D2, TD2, desired, "IN_PROGRESS"),
                        new Deployment(
                                D1,
                                "ACTIVE",
                                TD1,
                                desired,
                                0,
                                desired,
                                0,
                                NOW - 9000,
                                NOW - 9000,
                                "COMPLETED",
                                "ECS deployment " + D1 + " completed.",
                                true)));
    }

    @Test
    void rollingUpdateWithHalfMinimumStopsHalfAndStartsAll() {
        Plan p = plan(rolling(4, 50, 200), running(D1, 4, 2), cluster(2));
        assertThat(p.start()).isEqualTo(4);
        assertThat(p.stops()).hasSize(2);
        assertThat(p.startDeploymentId()).isEqualTo(D2);
        assertThat(p.service().deployments()).extracting(Deployment::status).containsExactly("PRIMARY", "ACTIVE");
    }

    @Test
    void rollingUpdateWithFullMinimumStartsFirstThenStopsAsNewBecomeHealthy() {
        List<TaskView> old = running(D1, 4, 2);
        Plan p = plan(rolling(4, 100, 200), old, cluster(2));
        assertThat(p.start()).isEqualTo(4);
        assertThat(p.stops()).isEmpty();
        // new ones pending: nothing stops
        List<TaskView> tasks = new ArrayList<>(old);
        for (int i = 0; i < 4; i++) {
            tasks.add(task(D2, i % 2, TaskLifecycle.PENDING));
        }
        Plan waiting = plan(rolling(4, 100, 200), tasks, cluster(2));
        assertThat(waiting.start()).isZero();
        assertThat(waiting.stops()).isEmpty();
        // two new ones RUNNING: two old ones may go
        tasks.set(4, task(D2, 0, TaskLifecycle.RUNNING));
        tasks.set(5, task(D2, 1, TaskLifecycle.RUNNING));
        Plan some = plan(rolling(4, 100, 200), tasks, cluster(2));
        assertThat(some.stops())
                .hasSize(2)
                .allSatisfy(s -> assertThat(old.stream().map(TaskView::id)).contains(s.taskId()));
    }

    @Test
    void maximumHundredStopsBeforeStarting() {
        Plan p = plan(rolling(4, 50, 100), running(D1, 4, 2), cluster(2));
        assertThat(p.stops()).hasSize(2);
        assertThat(p.start()).isEqualTo(2);
    }

    @Test
    void oldDeploymentWithoutTasksIsRetiredAndNewOneCompletes() {
        Plan p = plan(rolling(2, 100, 200), running(D2, 2, 2), cluster(2));
        assertThat(p.service().deployments()).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(D2);
            assertThat(d.rolloutState()).isEqualTo("COMPLETED");
        });
    }

    @Test
    void containerHealthCheckGatesHealthyAndReplacesUnhealthy() {
        List<TaskView> tasks = new ArrayList<>(running(D1, 2, 2));
        // health-checked definition: UNKNOWN is not healthy yet, so no completion
        Plan unknown = plan(replica(2, 100, 200), tasks, cluster(2), Set.of(TD1), Map.of());
        assertThat(unknown.service().primary().rolloutState()).isEqualTo("IN_PROGRESS");
        tasks.replaceAll(t -> health(t, "HEALTHY"));
        tasks.set(1, health(tasks.get(1), "UNHEALTHY"));
        Plan p = plan(replica(2, 100, 200), tasks, cluster(2), Set.of(TD1), Map.of());
        assertThat(p.stops()).singleElement().satisfies(s -> {
            assertThat(s.taskId()).isEqualTo(tasks.get(1).id());
            assertThat(s.reason()).isEqualTo("Task failed container health checks");
        });
        assertThat(p.start()).isEqualTo(1);
        assertThat(p.service().primary().failedTasks()).isEqualTo(1);
        assertThat(messages(p))
                .contains("(service web) (task " + tasks.get(1).id() + ") failed container health checks.");
    }

    @Test
    void gracePeriodDefersHealthReplacement() {
        StoredService s = replica(1, 100, 200).withOptions(60, "NONE", false, JsonNodeFactory.instance.arrayNode());
        List<TaskView> tasks = List.of(health(task(D1, 0, TaskLifecycle.RUNNING), "UNHEALTHY"));
        Plan p = plan(s, tasks, cluster(1));
        assertThat(p.stops()).isEmpty();
        assertThat(p.wakeAtMillis()).isGreaterThan(NOW);
    }

    @Test
    void drainingInstanceTasksAreReplacedWithinBounds() {
        List<ContainerInstance> list = new ArrayList<>(cluster(2).instances());
        list.set(0, instance(0, InstanceStatus.DRAINING, Map.of()));
        List<TaskView> tasks = running(D1, 4, 2); // two on the draining instance
        Plan p = plan(replica(4, 50, 200), tasks, new ClusterSnapshot(list));
        assertThat(p.start()).isEqualTo(2);
        assertThat(p.stops()).hasSize(2).allSatisfy(s -> assertThat(s.reason())
                .isEqualTo("Service task stopped because the container instance is draining"));
        Plan strict = plan(replica(4, 100, 200), tasks, new ClusterSnapshot(list));
        assertThat(strict.stops()).isEmpty();
        assertThat(strict.start()).isEqualTo(2);
    }

    @Test
    void throttleDelaysLaunchesAfterRepeatedFailures() {
        List<TaskView> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tasks.add(stopped(task(D1, 0, TaskLifecycle.PENDING), "TaskFailedToStart", null));
        }
        Plan p = plan(replica(1, 100, 200), tasks, cluster(1));
        assertThat(p.service().throttle().consecutiveFailures()).isEqualTo(3);
        assertThat(p.service().throttle().notBeforeMillis()).isEqualTo(NOW + 5_000);
        assertThat(p.start()).isZero();
        assertThat(p.wakeAtMillis()).isEqualTo(NOW + 5_000);
        assertThat(messages(p))
                .contains("(service web) is unable to consistently start tasks successfully. For more"
                        + " information, see the Troubleshooting section.");
        assertThat(ServicePlanner.backoffMillis(4)).isEqualTo(10_000);
        assertThat(ServicePlanner.backoffMillis(40)).isEqualTo(15 * 60_000);
    }

    @Test
    void circuitBreakerFailsAndRollsBackToLastCompleted() {
        StoredService s = service(
                StoredService.REPLICA,
                3,
                100,
                200,
                true,
                true,
                List.of(
                        deployment(D2, TD2, 3, "IN_PROGRESS"),
                        new Deployment(
                                D1, "ACTIVE", TD1, 3, 0, 3, 0, NOW - 9000, NOW - 9000, "COMPLETED", "done", true)));
        s = s.reconciled(
                s.status(),
                TD2,
                s.deployments(),
                List.of(),
                new StoredService.Rollback(D1, TD1),
                List.of(),
                null,
                false);
        List<TaskView> tasks = new ArrayList<>(running(D1, 3, 2));
        for (int i = 0; i < 3; i++) {
            tasks.add(stopped(task(D2, 0, TaskLifecycle.PENDING), "TaskFailedToStart", null));
        }
        Plan p = plan(s, tasks, cluster(2));
        List<Deployment> deps = p.service().deployments();
        assertThat(deps.getFirst().taskDefinitionArn()).isEqualTo(TD1);
        assertThat(deps.getFirst().status()).isEqualTo("PRIMARY");
        assertThat(p.service().taskDefinitionArn()).isEqualTo(TD1);
        assertThat(messages(p))
                .contains(
                        "(service web) (deployment " + D2 + ") deployment failed: tasks failed to start.",
                        "(service web) rolling back to deployment " + D1 + ".");
        // the failed deployment has no live task left, so it is no longer listed; the old tasks carry on
        assertThat(deps).extracting(Deployment::id).doesNotContain(D2);
        assertThat(p.stops()).isEmpty();
    }

    @Test
    void circuitBreakerWithoutRollbackStopsLaunching() {
        StoredService s = service(
                StoredService.REPLICA, 3, 100, 200, true, false, List.of(deployment(D1, TD1, 3, "IN_PROGRESS")));
        List<TaskView> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tasks.add(stopped(task(D1, 0, TaskLifecycle.PENDING), "TaskFailedToStart", null));
        }
        Plan p = plan(s, tasks, cluster(2));
        assertThat(p.service().primary().rolloutState()).isEqualTo("FAILED");
        assertThat(p.service().primary().rolloutStateReason())
                .isEqualTo("ECS deployment circuit breaker: tasks failed to start.");
        assertThat(p.start()).isZero();
    }

    @Test
    void circuitBreakerSecondStageCountsHealthFailures() {
        StoredService s = service(
                StoredService.REPLICA, 3, 100, 200, true, false, List.of(deployment(D1, TD1, 3, "IN_PROGRESS")));
        List<TaskView> tasks = new ArrayList<>(running(D1, 3, 2));
        tasks.replaceAll(t -> health(t, "UNHEALTHY"));
        Plan p = plan(s, tasks, cluster(2));
        assertThat(p.service().primary().rolloutState()).isEqualTo("FAILED");
        assertThat(p.service().primary().rolloutStateReason())
                .isEqualTo("ECS deployment circuit breaker: tasks failed health checks.");
    }

    StoredService daemon(List<Deployment> deployments) {
        return service(StoredService.DAEMON, 0, 0, 100, false, false, deployments);
    }

    @Test
    void daemonStartsOnEveryInstanceWithoutOne() {
        Map<String, Integer> has = new HashMap<>(Map.of("service:web", 1));
        ClusterSnapshot snapshot = new ClusterSnapshot(List.of(
                instance(0, InstanceStatus.ACTIVE, has),
                instance(1, InstanceStatus.ACTIVE, Map.of()),
                instance(2, InstanceStatus.ACTIVE, Map.of())));
        Plan p = plan(
                daemon(List.of(deployment(D1, TD1, 0, "IN_PROGRESS"))),
                List.of(task(D1, 0, TaskLifecycle.RUNNING)),
                snapshot);
        assertThat(p.startOn()).containsExactlyInAnyOrder(arn(1), arn(2));
        assertThat(p.service().primary().desiredCount()).isEqualTo(3);
        assertThat(p.service().desiredCount()).isEqualTo(3);
    }

    @Test
    void daemonIsSteadyWithOnePerInstance() {
        Map<String, Integer> has = Map.of("service:web", 1);
        ClusterSnapshot snapshot = new ClusterSnapshot(
                List.of(instance(0, InstanceStatus.ACTIVE, has), instance(1, InstanceStatus.ACTIVE, has)));
        Plan p = plan(
                daemon(List.of(deployment(D1, TD1, 0, "IN_PROGRESS"))),
                List.of(task(D1, 0, TaskLifecycle.RUNNING), task(D1, 1, TaskLifecycle.RUNNING)),
                snapshot);
        assertThat(p.hasActions()).isFalse();
        assertThat(p.service().steady()).isTrue();
        assertThat(p.service().primary().rolloutState()).isEqualTo("COMPLETED");
    }

    @Test
    void drainingInstanceLosesItsDaemonLast() {
        Map<String, Integer> busy = Map.of("service:web", 1, "family:other", 1);
        ClusterSnapshot snapshot = new ClusterSnapshot(List.of(instance(0, InstanceStatus.DRAINING, busy)));
        List<TaskView> tasks = List.of(task(D1, 0, TaskLifecycle.RUNNING));
        StoredService s = daemon(List.of(deployment(D1, TD1, 0, "IN_PROGRESS")));
        assertThat(plan(s, tasks, snapshot).stops()).isEmpty();
        ClusterSnapshot alone =
                new ClusterSnapshot(List.of(instance(0, InstanceStatus.DRAINING, Map.of("service:web", 1))));
        assertThat(plan(s, tasks, alone).stops()).singleElement().satisfies(st -> assertThat(st.reason())
                .isEqualTo("Service task stopped because the container instance is draining"));
    }

    @Test
    void daemonDeploymentReplacesInstanceByInstance() {
        Map<String, Integer> has = Map.of("service:web", 1);
        ClusterSnapshot snapshot = new ClusterSnapshot(
                List.of(instance(0, InstanceStatus.ACTIVE, has), instance(1, InstanceStatus.ACTIVE, has)));
        StoredService s = daemon(List.of(
                deployment(D2, TD2, 0, "IN_PROGRESS"),
                new Deployment(D1, "ACTIVE", TD1, 2, 0, 2, 0, NOW - 9000, NOW - 9000, "COMPLETED", "done", true)));
        Plan p = plan(s, List.of(task(D1, 0, TaskLifecycle.RUNNING), task(D1, 1, TaskLifecycle.RUNNING)), snapshot);
        assertThat(p.stops()).hasSize(2);
        assertThat(p.startOn()).isEmpty();
    }

    @Test
    void deletedServiceStopsEverythingThenBecomesInactive() {
        StoredService s = replica(0, 100, 200);
        s = s.with(StoredService.DRAINING, 0, TD1, s.deploymentConfiguration(), null, null, s.deployments());
        Plan p = plan(s, running(D1, 2, 2), cluster(2));
        assertThat(p.stops()).hasSize(2);
        assertThat(p.service().status()).isEqualTo(StoredService.DRAINING);
        Plan done = plan(s, List.of(), cluster(2));
        assertThat(done.service().status()).isEqualTo(StoredService.INACTIVE);
    }

    @Test
    void loadBalancedTasksRegisterWhenRunningAndCountOnlyWhenHealthy() {
        var lbs = JsonNodeFactory.instance.arrayNode();
        lbs.addObject()
                .put("targetGroupArn", "arn:tg")
                .put("containerName", "web")
                .put("containerPort", 80);
        StoredService s = replica(1, 100, 200).withOptions(null, "NONE", false, lbs);
        TaskView t = task(D1, 0, TaskLifecycle.RUNNING);
        Plan p = plan(s, List.of(t), cluster(1));
        assertThat(p.register()).containsExactly(t.id());
        TaskView reg = new TaskView(
                t.id(),
                t.instanceArn(),
                t.deploymentId(),
                t.taskDefinitionArn(),
                t.lastStatus(),
                true,
                "UNKNOWN",
                t.startedAt(),
                null,
                10,
                32,
                true);
        Plan initial = plan(s, List.of(reg), cluster(1), Set.of(), Map.of(t.id(), TargetHealth.INITIAL));
        assertThat(initial.service().primary().rolloutState()).isEqualTo("IN_PROGRESS");
        Plan healthy = plan(s, List.of(reg), cluster(1), Set.of(), Map.of(t.id(), TargetHealth.HEALTHY));
        assertThat(healthy.service().primary().rolloutState()).isEqualTo("COMPLETED");
        Plan unhealthy = plan(s, List.of(reg), cluster(1), Set.of(), Map.of(t.id(), TargetHealth.UNHEALTHY));
        assertThat(unhealthy.stops()).singleElement().satisfies(st -> assertThat(st.reason())
                .isEqualTo("Task failed ELB health checks in (target-group arn:tg)"));
        assertThat(unhealthy.deregister()).containsExactly(t.id());
        assertThat(messages(unhealthy)).contains("(service web) has begun draining connections on 1 tasks.");
    }

    @Test
    void anElbFailureNamesTheGroupWhereTheTaskIsUnhealthyWithOneEcsEventPerGroup() {
        var lbs = JsonNodeFactory.instance.arrayNode();
        for (String tg : List.of("arn:tg-a", "arn:tg-b", "arn:tg-c")) {
            lbs.addObject()
                    .put("targetGroupArn", tg)
                    .put("containerName", "web")
                    .put("containerPort", 80);
        }
        StoredService s = replica(1, 100, 200).withOptions(null, "NONE", false, lbs);
        TaskView t = registered(task(D1, 0, TaskLifecycle.RUNNING));
        List<ServiceView.ElbFailure> failures = List.of(
                new ServiceView.ElbFailure("arn:tg-b", "i-0abc", 32768, "Health checks failed with these codes: [503]"),
                new ServiceView.ElbFailure("arn:tg-c", "i-0abc", 32768, null));
        Plan p = ServicePlanner.plan(new ServiceView(
                s,
                List.of(t),
                cluster(1),
                TaskRequirements.of(10, 32),
                List.of(),
                List.of(),
                Set.of(),
                Map.of(t.id(), TargetHealth.UNHEALTHY),
                NOW,
                new Random(7),
                0,
                Set.of(),
                Map.of(t.id(), failures)));
        // not the first of the service's groups (tg-a, where it is healthy): the first where it fails
        assertThat(p.stops()).singleElement().satisfies(st -> assertThat(st.reason())
                .isEqualTo("Task failed ELB health checks in (target-group arn:tg-b)"));
        assertThat(messages(p))
                .contains(
                        "(service web) (task " + t.id()
                                + ") (instance i-0abc) (port 32768) is unhealthy in (target-group arn:tg-b)"
                                + " due to (reason Health checks failed with these codes: [503]).",
                        "(service web) (task " + t.id()
                                + ") (instance i-0abc) (port 32768) is unhealthy in (target-group arn:tg-c)"
                                + " due to (reason Health checks failed).");
        // the task is stopping now: the next pass writes no second event for the same failure
        TaskView stopping = new TaskView(
                t.id(),
                t.instanceArn(),
                t.deploymentId(),
                t.taskDefinitionArn(),
                t.lastStatus(),
                false,
                t.health(),
                t.startedAt(),
                "ServiceSchedulerInitiated",
                10,
                32,
                false,
                NOW + 60_000);
        Plan next = ServicePlanner.plan(new ServiceView(
                p.service(),
                List.of(stopping),
                cluster(1),
                TaskRequirements.of(10, 32),
                List.of(),
                List.of(),
                Set.of(),
                Map.of(),
                NOW + 1_000,
                new Random(7),
                60_000,
                Set.of(),
                Map.of()));
        assertThat(messages(next))
                .filteredOn(m -> m.contains("is unhealthy in"))
                .hasSize(2);
    }

    @Test
    void theIpTargetFormOfTheUnhealthyEventHasNoInstance() {
        assertThat(ServiceEvents.unhealthy(
                        "web", "abc", new ServiceView.ElbFailure("arn:tg", "10.0.0.5", 80, "Request timed out")))
                .isEqualTo(
                        "(service web) (task abc) (port 80) is unhealthy in (target-group arn:tg) due to (reason Request timed out).");
    }

    static TaskView registered(TaskView t) {
        return new TaskView(
                t.id(),
                t.instanceArn(),
                t.deploymentId(),
                t.taskDefinitionArn(),
                t.lastStatus(),
                true,
                t.health(),
                t.startedAt(),
                null,
                t.cpu(),
                t.memory(),
                true);
    }

    static Plan lbPlan(
            StoredService s, List<TaskView> tasks, Map<String, TargetHealth> health, long now, Set<String> drained) {
        return ServicePlanner.plan(new ServiceView(
                s,
                tasks,
                cluster(2),
                TaskRequirements.of(10, 32),
                List.of(),
                List.of(),
                Set.of(),
                health,
                now,
                new Random(7),
                3_000,
                drained));
    }

    @Test
    void aRollingDeploymentStopsAnOldTaskOnlyOnceTheNewOneIsHealthyAndHoldsItWhileItDrains() {
        var lbs = JsonNodeFactory.instance.arrayNode();
        lbs.addObject()
                .put("targetGroupArn", "arn:tg")
                .put("containerName", "web")
                .put("containerPort", 80);
        StoredService s = rolling(1, 100, 200).withOptions(null, "NONE", false, lbs);
        TaskView old = registered(task(D1, 0, TaskLifecycle.RUNNING));
        TaskView fresh = registered(task(D2, 1, TaskLifecycle.RUNNING));
        // the new task is registered but still INITIAL: the old one stays
        Plan waiting = lbPlan(
                s,
                List.of(old, fresh),
                Map.of(old.id(), TargetHealth.HEALTHY, fresh.id(), TargetHealth.INITIAL),
                NOW,
                Set.of());
        assertThat(waiting.stops()).isEmpty();
        // healthy in its target group: the old task is deregistered and its stop held for the delay
        Plan go = lbPlan(
                s,
                List.of(old, fresh),
                Map.of(old.id(), TargetHealth.HEALTHY, fresh.id(), TargetHealth.HEALTHY),
                NOW,
                Set.of());
        assertThat(go.stops()).singleElement().satisfies(st -> {
            assertThat(st.taskId()).isEqualTo(old.id());
            assertThat(st.drainUntil()).isEqualTo(NOW + 3_000);
        });
        assertThat(go.deregister()).containsExactly(old.id());
        assertThat(go.wakeAtMillis()).isLessThanOrEqualTo(NOW + 3_000);
        assertThat(messages(go))
                .contains("(service web) has begun draining connections on 1 tasks.")
                .noneMatch(m -> m.contains("has stopped"));
        // while it drains: no release, not steady; once the delay passes (or the targets are done): released
        TaskView draining = new TaskView(
                old.id(),
                old.instanceArn(),
                old.deploymentId(),
                old.taskDefinitionArn(),
                TaskLifecycle.DEACTIVATING,
                false,
                "UNKNOWN",
                old.startedAt(),
                "ServiceSchedulerInitiated",
                10,
                32,
                false,
                NOW + 3_000);
        Map<String, TargetHealth> h = Map.of(fresh.id(), TargetHealth.HEALTHY);
        Plan hold = lbPlan(s, List.of(draining, fresh), h, NOW + 1_000, Set.of());
        assertThat(hold.release()).isEmpty();
        assertThat(hold.service().steady()).isFalse();
        assertThat(hold.wakeAtMillis()).isEqualTo(NOW + 3_000);
        Plan due = lbPlan(s, List.of(draining, fresh), h, NOW + 3_000, Set.of());
        assertThat(due.release()).containsExactly(old.id());
        assertThat(messages(due)).contains("(service web) has stopped 1 running tasks: (task " + old.id() + ").");
        Plan early = lbPlan(s, List.of(draining, fresh), h, NOW + 1_000, Set.of(old.id()));
        assertThat(early.release()).containsExactly(old.id());
    }
}
