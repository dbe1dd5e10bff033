package dev.berth.ecs.service;

import dev.berth.ecs.service.ServicePlanner.Pass;
import dev.berth.ecs.service.ServicePlanner.Rollout;
import dev.berth.ecs.service.ServiceView.TaskView;
import dev.berth.ecs.service.StoredService.Deployment;
import dev.berth.scheduler.ContainerInstance;
import dev.berth.scheduler.InstanceStatus;
import dev.berth.scheduler.PlacementEngine;
import dev.berth.scheduler.TaskRequirements;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The DAEMON rollout step of {@link ServicePlanner}: exactly one task of the PRIMARY deployment on
 * every ACTIVE instance whose agent is connected and that satisfies the task definition's
 * requiresAttributes and the service's constraints (instances that join later included); desiredCount
 * is the number of such instances.
 *
 * <ul>
 *   <li>An instance that is DRAINING loses its daemon last: the daemon task is stopped only once no
 *       other task runs there.</li>
 *   <li>An instance that no longer qualifies (constraint or attribute change) loses its daemon.
 *       An instance whose agent is merely disconnected keeps it (nothing could stop it anyway).</li>
 *   <li>A new deployment replaces daemons instance by instance: the old task is stopped (while
 *       minimumHealthyPercent of the eligible instances keep a healthy task), the new one starts on
 *       the next pass once the instance has no task of the service left. maximumPercent above 100
 *       does not start a second task on an instance.</li>
 * </ul>
 */
final class DaemonRollout {

    private DaemonRollout() {}

    static Rollout run(Pass p) {
        StoredService s = p.s;
        Deployment d = p.primary();
        boolean active = StoredService.ACTIVE.equals(s.status());
        TaskRequirements any = TaskRequirements.of(0, 0)
                .withRequiredAttributes(p.view.primaryRequirements().requiredAttributes());
        Set<String> eligible = new HashSet<>(
                PlacementEngine.placeDaemon(p.view.snapshot(), any, "\u0000eligible", p.view.constraints())
                        .placements());
        int desired = active ? eligible.size() : 0;
        if (d == null) {
            return new Rollout(0, List.of(), desired);
        }
        String reason = ServicePlanner.STOP_SCALE.formatted(d.id());
        Map<String, List<TaskView>> byInstance = new LinkedHashMap<>();
        for (TaskView t : p.live()) {
            byInstance.computeIfAbsent(t.instanceArn(), k -> new ArrayList<>()).add(t);
        }
        List<TaskView> oldHealthy = new ArrayList<>();
        for (Map.Entry<String, List<TaskView>> e : byInstance.entrySet()) {
            ContainerInstance ci = p.instance(e.getKey());
            List<TaskView> tasks = e.getValue();
            if (ci == null || !active) {
                tasks.forEach(t -> p.stop(t, reason));
            } else if (ci.status() == InstanceStatus.DRAINING) {
                if (ci.runningTasksCount() <= tasks.size()) {
                    tasks.forEach(t -> p.stop(t, ServicePlanner.STOP_DRAIN));
                } else {
                    p.wake(p.view.now() + 5_000);
                }
            } else if (!eligible.contains(ci.arn())) {
                if (ci.agentConnected() && ci.runtimeHealthy()) {
                    tasks.forEach(t -> p.stop(t, reason));
                }
            } else {
                boolean kept = false;
                for (TaskView t : tasks) {
                    boolean primary = d.id().equals(t.deploymentId());
                    if (primary && !kept) {
                        kept = true;
                    } else if (primary || !p.healthy(t)) {
                        p.stop(t, reason);
                    } else {
                        oldHealthy.add(t);
                    }
                }
            }
        }
        int min = (int) Math.ceil(desired * (double) s.deploymentConfiguration().minimumHealthyPercent() / 100.0);
        long healthy = p.live().stream().filter(p::healthy).count();
        int budget = (int) Math.max(0, healthy - min);
        for (TaskView t : oldHealthy.subList(0, Math.min(budget, oldHealthy.size()))) {
            p.stop(t, reason);
        }
        if (oldHealthy.size() > budget) {
            p.wake(p.view.now() + 5_000);
        }
        List<String> startOn = List.of();
        boolean throttled = p.view.now() < p.throttle.notBeforeMillis();
        if (throttled) {
            p.wake(p.throttle.notBeforeMillis());
        }
        if (active && !throttled && !"FAILED".equals(d.rolloutState())) {
            startOn = PlacementEngine.placeDaemon(
                            p.view.snapshot(), p.view.primaryRequirements(), s.group(), p.view.constraints())
                    .placements();
        }
        return new Rollout(0, startOn, desired);
    }
}
