package dev.berth.ecs.service;

import java.util.List;

/**
 * What {@link ServicePlanner} decided for one service: the service record to write back (deployment
 * counts and states, events, throttle), how many primary tasks to place (REPLICA) or on which
 * instances to start one (DAEMON), which tasks to stop and why, and which tasks to register with or
 * deregister from the service's target groups, and which draining tasks to release (their
 * deregistration delay is over: their agents may now stop them). The controller carries it out in one transaction
 * (load balancer calls just outside it).
 *
 * @param wakeAtMillis when the service should be looked at again even if nothing changes (0: the
 *     periodic resync is enough); set while throttled, in a health-check grace period, or mid-rollout
 */
public record Plan(
        StoredService service,
        String startDeploymentId,
        String startTaskDefinitionArn,
        int start,
        List<String> startOn,
        List<Stop> stops,
        List<String> register,
        List<String> deregister,
        List<String> release,
        long wakeAtMillis) {

    public Plan {
        startOn = List.copyOf(startOn);
        stops = List.copyOf(stops);
        register = List.copyOf(register);
        deregister = List.copyOf(deregister);
        release = List.copyOf(release);
    }

    /**
     * A task to stop, with ECS's stoppedReason for it; {@code drainUntil} set when its targets drain
     * first (the task goes DEACTIVATING and its container keeps running until then).
     */
    public record Stop(String taskId, String reason, Long drainUntil) {
        public Stop(String taskId, String reason) {
            this(taskId, reason, null);
        }
    }

    public boolean hasActions() {
        return start > 0
                || !startOn.isEmpty()
                || !stops.isEmpty()
                || !register.isEmpty()
                || !deregister.isEmpty()
                || !release.isEmpty();
    }
}
