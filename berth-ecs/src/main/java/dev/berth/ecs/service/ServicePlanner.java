package dev.berth.ecs.service;

import dev.berth.ecs.service.ServiceView.TaskView;
import dev.berth.ecs.service.StoredService.Deployment;
import dev.berth.ecs.service.StoredService.Event;
import dev.berth.model.lb.LoadBalancerTargets.TargetHealth;
import dev.berth.scheduler.ContainerInstance;
import dev.berth.scheduler.InstanceStatus;
import dev.berth.scheduler.ScaleIn;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The service scheduler as a pure function: a {@link ServiceView} in, a {@link Plan} out (the
 * "views in, actions out" shape of Titus's reconciliation engine and Nomad's reconciler). No store,
 * no clock, no randomness it was not given; {@code ServicePlannerTest} drives it through every case.
 *
 * <p>One pass, in this order:
 * <ol>
 *   <li>account for tasks that stopped since the last pass (failed tasks count against their
 *       deployment and the restart throttle; the rest are simply replaced);</li>
 *   <li>stop tasks that fail their container health check or load balancer health check, once past
 *       healthCheckGracePeriodSeconds (counted as failed in the circuit breaker's second stage);</li>
 *   <li>the circuit breaker: a PRIMARY deployment IN_PROGRESS whose failedTasks reached
 *       min(max(ceil(0.5 × desiredCount), 3), 200) becomes FAILED and, with rollback, a new PRIMARY
 *       deployment restores the last COMPLETED one;</li>
 *   <li>the rollout (REPLICA, see {@link ReplicaRollout}; DAEMON, see {@link DaemonRollout}): start
 *       primary tasks up to maximumPercent, stop other tasks (older deployments, draining instances,
 *       scale-in) while at least minimumHealthyPercent of desiredCount stay RUNNING and healthy;</li>
 *   <li>deployment counts, retirement of deployments without tasks, COMPLETED and the steady state.</li>
 * </ol>
 */
public final class ServicePlanner {

    static final String STOP_DEPLOYMENT = "Task stopped by deployment %s";
    static final String STOP_SCALE = "Scaling activity initiated by (deployment %s)";
    static final String STOP_HEALTH = "Task failed container health checks";
    static final String STOP_ELB = "Task failed ELB health checks";
    static final String STOP_DRAIN = "Service task stopped because the container instance is draining";
    static final String STOP_DELETE = "Service is being deleted";

    private ServicePlanner() {}

    /** The circuit breaker's failed-task threshold for a desired count. */
    public static int threshold(int desiredCount) {
        return Math.min(Math.max((desiredCount + 1) / 2, 3), 200);
    }

    /** The restart throttle's delay after {@code failures} consecutive launch failures (none below 3). */
    public static long backoffMillis(int failures) {
        if (failures < 3) {
            return 0;
        }
        return Math.min(5_000L << Math.min(failures - 3, 10), 15 * 60_000L);
    }

    /** Mutable state of one pass. */
    static final class Pass {
        final ServiceView view;
        final StoredService s;
        final String label;
        final List<Event> events = new ArrayList<>();
        final List<Plan.Stop> stops = new ArrayList<>();
        final Set<String> stopping = new LinkedHashSet<>();
        final Map<String, Integer> failed = new HashMap<>();
        final Map<String, Boolean> stage2 = new HashMap<>();
        List<Deployment> deployments;
        StoredService.Throttle throttle;
        StoredService.Rollback lastCompleted;
        String taskDefinitionArn;
        long wakeAt;

        Pass(ServiceView view) {
            this.view = view;
            this.s = view.service();
            this.label = "(service " + s.name() + ")";
            this.deployments = new ArrayList<>(s.deployments());
            this.throttle = s.throttle();
            this.lastCompleted = s.lastCompleted();
            this.taskDefinitionArn = s.taskDefinitionArn();
            for (Deployment d : deployments) {
                failed.put(d.id(), d.failedTasks());
                stage2.put(d.id(), d.stage2());
            }
        }

        void event(String message) {
            events.add(new Event(uuid(view.random()), view.now(), label + " " + message));
        }

        /**
         * Decides a stop; a RUNNING task registered in the service's target groups is held while its
         * targets drain (the longest deregistration delay over the groups), as ECS does.
         */
        void stop(TaskView t, String reason) {
            if (stopping.add(t.id())) {
                boolean drain = hasLoadBalancers() && t.registered() && t.running() && view.drainMillis() > 0;
                stops.add(new Plan.Stop(t.id(), reason, drain ? view.now() + view.drainMillis() : null));
            }
        }

        void wake(long at) {
            if (at > view.now() && (wakeAt == 0 || at < wakeAt)) {
                wakeAt = at;
            }
        }

        Deployment primary() {
            return deployments.isEmpty() ? null : deployments.getFirst();
        }

        /** Live tasks not yet chosen to stop. */
        List<TaskView> live() {
            return view.tasks().stream()
                    .filter(t -> t.live() && !stopping.contains(t.id()))
                    .toList();
        }

        boolean healthy(TaskView t) {
            if (!t.running() || stopping.contains(t.id()) || "UNHEALTHY".equals(t.health())) {
                return false;
            }
            if (view.healthChecked().contains(t.taskDefinitionArn()) && !"HEALTHY".equals(t.health())) {
                return false;
            }
            if (hasLoadBalancers()) {
                return view.targetHealth().get(t.id()) == TargetHealth.HEALTHY;
            }
            return true;
        }

        boolean hasLoadBalancers() {
            return s.loadBalancers() != null && !s.loadBalancers().isEmpty();
        }

        ContainerInstance instance(String arn) {
            for (ContainerInstance ci : view.snapshot().instances()) {
                if (ci.arn().equals(arn)) {
                    return ci;
                }
            }
            return null;
        }

        boolean onDrainingOrGone(TaskView t) {
            ContainerInstance ci = instance(t.instanceArn());
            return ci == null || ci.status() != InstanceStatus.ACTIVE;
        }

        /** Up to {@code count} of {@code candidates} to stop, chosen as ECS scales in (placement strategies backwards). */
        List<TaskView> choose(List<TaskView> candidates, int count) {
            if (count <= 0 || candidates.isEmpty()) {
                return List.of();
            }
            List<TaskView> ordered = new ArrayList<>(candidates);
            ordered.sort(Comparator.comparing((TaskView t) -> t.startedAt() == null ? Long.MAX_VALUE : t.startedAt()));
            Map<String, TaskView> byId = new LinkedHashMap<>();
            List<ScaleIn.RunningTaskRef> refs = new ArrayList<>();
            for (TaskView t : ordered) {
                byId.put(t.id(), t);
                refs.add(new ScaleIn.RunningTaskRef(t.id(), t.instanceArn(), t.cpu(), t.memory()));
            }
            return ScaleIn.select(view.snapshot(), refs, view.strategies(), count, view.random()).stream()
                    .map(r -> byId.get(r.taskArn()))
                    .toList();
        }
    }

    public static Plan plan(ServiceView view) {
        Pass p = new Pass(view);
        Set<String> present = new LinkedHashSet<>();
        view.tasks().forEach(t -> present.add(t.id()));
        List<String> handled = new ArrayList<>(
                p.s.handledStopped().stream().filter(present::contains).toList());
        accountStopped(p, handled);
        replaceUnhealthy(p);
        circuitBreaker(p);
        Rollout rollout = p.s.daemon() ? DaemonRollout.run(p) : ReplicaRollout.run(p);
        return finish(p, rollout, handled);
    }

    /** What the rollout step decided: tasks to start (count for REPLICA, instances for DAEMON), and the desired count. */
    record Rollout(int start, List<String> startOn, int desired) {}

    private static boolean failure(TaskView t) {
        return "TaskFailedToStart".equals(t.stopCode()) || "EssentialContainerExited".equals(t.stopCode());
    }

    private static void accountStopped(Pass p, List<String> handled) {
        for (TaskView t : p.view.tasks()) {
            if (t.live() || handled.contains(t.id()) || t.lastStatus() != dev.berth.ecs.task.TaskLifecycle.STOPPED) {
                continue;
            }
            handled.add(t.id());
            if (!failure(t)) {
                continue;
            }
            p.failed.computeIfPresent(t.deploymentId(), (k, v) -> v + 1);
            int consecutive = p.throttle.consecutiveFailures() + 1;
            long delay = backoffMillis(consecutive);
            p.throttle = new StoredService.Throttle(consecutive, p.view.now() + delay);
            if (consecutive == 3) {
                p.event("is unable to consistently start tasks successfully. For more information, see the"
                        + " Troubleshooting section.");
            }
            p.wake(p.view.now() + delay);
        }
        // a task that reached RUNNING after the last failure ends the throttle
        if (p.throttle.consecutiveFailures() > 0) {
            for (TaskView t : p.view.tasks()) {
                if (t.running()
                        && t.startedAt() != null
                        && t.startedAt() >= p.throttle.notBeforeMillis()
                        && p.healthy(t)) {
                    p.throttle = StoredService.Throttle.NONE;
                    break;
                }
            }
        }
        for (TaskView t : p.view.tasks()) {
            if (t.running() && p.stage2.containsKey(t.deploymentId())) {
                p.stage2.put(t.deploymentId(), true);
            }
        }
    }

    private static void replaceUnhealthy(Pass p) {
        Integer grace = p.s.healthCheckGracePeriodSeconds();
        for (TaskView t : p.live()) {
            if (!t.running()) {
                continue;
            }
            boolean inGrace =
                    grace != null && grace > 0 && t.startedAt() != null && p.view.now() < t.startedAt() + grace * 1000L;
            if (inGrace) {
                p.wake(t.startedAt() + grace * 1000L);
                continue;
            }
            String reason = null;
            if ("UNHEALTHY".equals(t.health())) {
                reason = STOP_HEALTH;
                p.event("(task " + t.id() + ") failed container health checks.");
            } else if (p.hasLoadBalancers() && p.view.targetHealth().get(t.id()) == TargetHealth.UNHEALTHY) {
                // ECS names the group where the task is unhealthy, and writes one event per such group
                List<ServiceView.ElbFailure> failures = p.view.elbFailures().getOrDefault(t.id(), List.of());
                String tg = failures.isEmpty()
                        ? p.s.loadBalancers().get(0).path("targetGroupArn").asText()
                        : failures.getFirst().targetGroupArn();
                reason = STOP_ELB + " in (target-group " + tg + ")";
                for (ServiceView.ElbFailure f : failures) {
                    p.events.add(new Event(
                            uuid(p.view.random()), p.view.now(), ServiceEvents.unhealthy(p.s.name(), t.id(), f)));
                }
            }
            if (reason != null) {
                p.stop(t, reason);
                p.failed.computeIfPresent(t.deploymentId(), (k, v) -> v + 1);
            }
        }
    }

    private static void circuitBreaker(Pass p) {
        Deployment d = p.primary();
        StoredService.DeploymentConfig c = p.s.deploymentConfiguration();
        if (d == null
                || !c.circuitBreakerEnable()
                || !"IN_PROGRESS".equals(d.rolloutState())
                || p.failed.get(d.id()) < threshold(p.s.desiredCount())) {
            return;
        }
        boolean stage2 = p.stage2.get(d.id());
        String why = stage2 ? "tasks failed health checks" : "tasks failed to start";
        p.event("(deployment " + d.id() + ") deployment failed: " + why + ".");
        StoredService.Rollback target = p.lastCompleted;
        if (c.circuitBreakerRollback()
                && target != null
                && !target.deploymentId().equals(d.id())) {
            Deployment failed = d.with(
                    "ACTIVE",
                    d.desiredCount(),
                    d.pendingCount(),
                    d.runningCount(),
                    p.failed.get(d.id()),
                    p.view.now(),
                    "FAILED",
                    "ECS deployment circuit breaker: " + why + ".",
                    stage2);
            String id = deploymentId(p.view.random());
            Deployment back = new Deployment(
                    id,
                    "PRIMARY",
                    target.taskDefinitionArn(),
                    p.s.desiredCount(),
                    0,
                    0,
                    0,
                    p.view.now(),
                    p.view.now(),
                    "IN_PROGRESS",
                    "ECS deployment " + id + " in progress.",
                    false);
            p.deployments.set(0, failed);
            p.deployments.addFirst(back);
            p.failed.put(id, 0);
            p.stage2.put(id, false);
            p.taskDefinitionArn = target.taskDefinitionArn();
            p.throttle = StoredService.Throttle.NONE;
            p.event("rolling back to deployment " + target.deploymentId() + ".");
        } else {
            p.deployments.set(
                    0,
                    d.with(
                            "PRIMARY",
                            d.desiredCount(),
                            d.pendingCount(),
                            d.runningCount(),
                            p.failed.get(d.id()),
                            p.view.now(),
                            "FAILED",
                            "ECS deployment circuit breaker: " + why + ".",
                            stage2));
        }
    }

    private static Plan finish(Pass p, Rollout r, List<String> handled) {
        long now = p.view.now();
        List<TaskView> live = p.live();
        List<Deployment> out = new ArrayList<>();
        Deployment primary = p.primary();
        List<String> register = new ArrayList<>();
        List<String> deregister = new ArrayList<>();
        for (TaskView t : p.view.tasks()) {
            if (p.hasLoadBalancers() && t.running() && !t.registered() && !p.stopping.contains(t.id())) {
                register.add(t.id());
            }
            if (t.registered() && (!t.live() || p.stopping.contains(t.id()))) {
                deregister.add(t.id());
            }
        }
        if (!deregister.isEmpty()) {
            p.event("has begun draining connections on " + deregister.size() + " tasks.");
        }
        // tasks whose drain is over (delay passed, or every target reports draining done) may stop now;
        // the scheduler's "has stopped" event names a drained task when its container is told to stop
        List<String> release = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        for (Plan.Stop s : p.stops) {
            if (s.drainUntil() == null) {
                stopped.add(s.taskId());
            } else {
                p.wake(s.drainUntil());
            }
        }
        for (TaskView t : p.view.tasks()) {
            if (!t.draining()) {
                continue;
            }
            if (now >= t.drainUntil() || p.view.drained().contains(t.id())) {
                release.add(t.id());
                if ("ServiceSchedulerInitiated".equals(t.stopCode())) {
                    stopped.add(t.id());
                }
            } else {
                p.wake(t.drainUntil());
            }
        }
        if (!stopped.isEmpty()) {
            StringBuilder m = new StringBuilder("has stopped " + stopped.size() + " running tasks:");
            stopped.forEach(id -> m.append(" (task ").append(id).append(")"));
            p.event(m.append(".").toString());
        }
        boolean othersLive = false;
        for (int i = 0; i < p.deployments.size(); i++) {
            Deployment d = p.deployments.get(i);
            int running = (int) live.stream()
                    .filter(t -> d.id().equals(t.deploymentId()) && t.running())
                    .count();
            int pending = (int) live.stream()
                    .filter(t -> d.id().equals(t.deploymentId()) && t.pending())
                    .count();
            boolean isPrimary = i == 0;
            if (!isPrimary && running + pending == 0) {
                continue; // no tasks left: INACTIVE, no longer listed
            }
            othersLive |= !isPrimary;
            String state = d.rolloutState();
            String reason = d.rolloutStateReason();
            out.add(d.with(
                    isPrimary ? "PRIMARY" : "ACTIVE",
                    isPrimary ? r.desired() : running + pending,
                    pending,
                    running,
                    p.failed.getOrDefault(d.id(), d.failedTasks()),
                    now,
                    state,
                    reason,
                    p.stage2.getOrDefault(d.id(), d.stage2())));
        }
        long healthyPrimary = primary == null
                ? 0
                : live.stream()
                        .filter(t -> primary.id().equals(t.deploymentId()) && p.healthy(t) && !p.onDrainingOrGone(t))
                        .count();
        long primaryLive = primary == null
                ? 0
                : live.stream()
                        .filter(t -> primary.id().equals(t.deploymentId()))
                        .count();
        boolean settled = !othersLive
                && healthyPrimary == r.desired()
                && primaryLive == r.desired()
                && r.start() == 0
                && r.startOn().isEmpty()
                && p.stops.isEmpty()
                && StoredService.ACTIVE.equals(p.s.status())
                && p.view.tasks().stream().noneMatch(TaskView::draining);
        StoredService.Rollback completed = p.lastCompleted;
        if (settled && !out.isEmpty() && "IN_PROGRESS".equals(out.getFirst().rolloutState())) {
            Deployment d = out.getFirst();
            out.set(
                    0,
                    d.with(
                            d.status(),
                            d.desiredCount(),
                            d.pendingCount(),
                            d.runningCount(),
                            d.failedTasks(),
                            now,
                            "COMPLETED",
                            "ECS deployment " + d.id() + " completed.",
                            d.stage2()));
            completed = new StoredService.Rollback(d.id(), d.taskDefinitionArn());
            p.event("(deployment " + d.id() + ") deployment completed.");
        }
        if (settled && !p.s.steady()) {
            p.event("has reached a steady state.");
        }
        if (!settled && (othersLive || r.start() > 0 || !r.startOn().isEmpty())) {
            p.wake(now + 5_000);
        }
        String status = p.s.status();
        boolean allStopped =
                p.view.tasks().stream().allMatch(t -> t.lastStatus() == dev.berth.ecs.task.TaskLifecycle.STOPPED);
        if (StoredService.DRAINING.equals(status) && allStopped && p.stops.isEmpty()) {
            status = StoredService.INACTIVE;
        }
        StoredService base =
                p.s.daemon() && p.s.desiredCount() != r.desired() ? p.s.withDesiredCount(r.desired()) : p.s;
        StoredService updated = base.reconciled(
                status, p.taskDefinitionArn, out, reversed(p.events), completed, handled, p.throttle, settled);
        Deployment startDeployment = out.isEmpty() ? null : out.getFirst();
        return new Plan(
                updated,
                startDeployment == null ? null : startDeployment.id(),
                startDeployment == null ? null : startDeployment.taskDefinitionArn(),
                r.start(),
                r.startOn(),
                p.stops,
                register,
                deregister,
                release,
                p.wakeAt);
    }

    private static List<Event> reversed(List<Event> events) {
        List<Event> out = new ArrayList<>(events);
        java.util.Collections.reverse(out);
        return out;
    }

    /** ECS's deployment id: {@code ecs-svc/} and 19 digits. */
    public static String deploymentId(java.util.random.RandomGenerator random) {
        StringBuilder b = new StringBuilder("ecs-svc/");
        b.append(1 + random.nextInt(9));
        for (int i = 0; i < 18; i++) {
            b.append(random.nextInt(10));
        }
        return b.toString();
    }

    static String uuid(java.util.random.RandomGenerator random) {
        return new java.util.UUID(
                        (random.nextLong() & ~0xF000L) | 0x4000L,
                        (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L)
                .toString();
    }
}
