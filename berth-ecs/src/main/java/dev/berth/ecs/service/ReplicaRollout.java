package dev.berth.ecs.service;

import dev.berth.ecs.service.ServicePlanner.Pass;
import dev.berth.ecs.service.ServicePlanner.Rollout;
import dev.berth.ecs.service.ServiceView.TaskView;
import dev.berth.ecs.service.StoredService.Deployment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The REPLICA rollout step of {@link ServicePlanner}: keep desiredCount tasks of the PRIMARY
 * deployment on ACTIVE instances; everything else (tasks of older deployments, tasks on draining or
 * deregistered instances, surplus after a scale-in) goes, within ECS's two bounds:
 * <ul>
 *   <li>at most floor(desiredCount × maximumPercent / 100) tasks desired RUNNING at once: new tasks
 *       start only into that room;</li>
 *   <li>at least ceil(desiredCount × minimumHealthyPercent / 100) RUNNING and healthy tasks: a
 *       healthy task is stopped only while more than that remain. Tasks that are not healthy
 *       (pending, failing health checks) do not count, so they may always be replaced.</li>
 * </ul>
 * Which healthy tasks go is {@link dev.berth.scheduler.ScaleIn}'s choice (placement strategies read
 * backwards).
 */
final class ReplicaRollout {

    private ReplicaRollout() {}

    static Rollout run(Pass p) {
        StoredService s = p.s;
        Deployment d = p.primary();
        int desired = StoredService.ACTIVE.equals(s.status()) ? s.desiredCount() : 0;
        if (d == null) {
            return new Rollout(0, List.of(), desired);
        }
        String reason = ServicePlanner.STOP_SCALE.formatted(d.id());
        List<TaskView> live = p.live();
        List<TaskView> keep = new ArrayList<>();
        List<TaskView> others = new ArrayList<>();
        for (TaskView t : live) {
            boolean primary = d.id().equals(t.deploymentId()) && !p.onDrainingOrGone(t);
            (primary ? keep : others).add(t);
        }
        // scale-in: surplus primary tasks, those not healthy first
        int excess = keep.size() - desired;
        if (excess > 0) {
            List<TaskView> unhealthy =
                    new ArrayList<>(keep.stream().filter(t -> !p.healthy(t)).toList());
            unhealthy.sort(Comparator.comparing((TaskView t) -> t.running() ? 1 : 0));
            List<TaskView> chosen = new ArrayList<>(unhealthy.subList(0, Math.min(excess, unhealthy.size())));
            chosen.addAll(p.choose(keep.stream().filter(p::healthy).toList(), excess - chosen.size()));
            chosen.forEach(t -> p.stop(t, reason));
            keep.removeAll(chosen);
        }
        int max =
                (int) Math.floor(desired * (double) s.deploymentConfiguration().maximumPercent() / 100.0);
        int min = (int) Math.ceil(desired * (double) s.deploymentConfiguration().minimumHealthyPercent() / 100.0);
        long healthy = keep.stream().filter(p::healthy).count()
                + others.stream().filter(p::healthy).count();
        int stoppedOthers = 0;
        for (TaskView t : others) {
            if (!p.healthy(t)) {
                p.stop(t, p.onDrainingOrGone(t) ? ServicePlanner.STOP_DRAIN : reason);
                stoppedOthers++;
            }
        }
        List<TaskView> healthyOthers = others.stream().filter(p::healthy).toList();
        int budget = (int) Math.max(0, healthy - min);
        for (TaskView t : p.choose(healthyOthers, Math.min(budget, healthyOthers.size()))) {
            p.stop(t, p.onDrainingOrGone(t) ? ServicePlanner.STOP_DRAIN : reason);
            stoppedOthers++;
        }
        if (healthyOthers.size() > budget) {
            p.wake(p.view.now() + 5_000);
        }
        int remaining = keep.size() + others.size() - stoppedOthers;
        int start = Math.max(0, Math.min(desired - keep.size(), max - remaining));
        if (p.view.now() < p.throttle.notBeforeMillis()) {
            p.wake(p.throttle.notBeforeMillis());
            start = 0;
        }
        if ("FAILED".equals(d.rolloutState())) {
            start = 0;
        }
        return new Rollout(start, List.of(), desired);
    }
}
