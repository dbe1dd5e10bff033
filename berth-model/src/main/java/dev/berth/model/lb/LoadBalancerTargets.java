package dev.berth.model.lb;

import dev.berth.model.error.AwsException;
import java.util.List;
import java.util.Map;

/**
 * What the ECS service scheduler (berth-ecs) needs from the load balancers (berth-lb), so that
 * neither module imports the other: berth-lb implements it, the CLI wires it in.
 *
 * <p>A service with {@code loadBalancers} registers each task's container port as a target when
 * the task is RUNNING, deregisters it (the target starts draining) and keeps the task's container
 * running while the target drains (the group's deregistration delay, or less when nothing is in
 * flight through it), and asks for target health to decide whether a task counts as healthy during a
 * deployment and which target group a failing task is unhealthy in.
 */
public interface LoadBalancerTargets {

    /**
     * Checks a service's {@code loadBalancers} entry at CreateService/UpdateService time.
     *
     * @throws AwsException {@code InvalidParameterException} as ECS words it, e.g. when the target
     *     group does not exist or is not attached to a load balancer
     */
    void validate(String targetGroupArn, String containerName, int containerPort);

    /** Adds targets to a target group (idempotent); health checks start as {@code initial}. */
    void register(String targetGroupArn, List<Target> targets);

    /** Removes targets; each drains for the group's deregistration delay (idempotent). */
    void deregister(String targetGroupArn, List<Target> targets);

    /** The current health of the given targets; unknown targets are {@link TargetHealth#UNUSED}. */
    Map<Target, TargetHealth> health(String targetGroupArn, List<Target> targets);

    /**
     * The current health of the given targets with ELB's reason code and description (as
     * DescribeTargetHealth reports them, e.g. {@code Target.ResponseCodeMismatch}, "Health checks
     * failed with these codes: [503]"); unknown targets are {@link TargetHealth#UNUSED}.
     */
    default Map<Target, TargetState> states(String targetGroupArn, List<Target> targets) {
        Map<Target, TargetState> out = new java.util.LinkedHashMap<>();
        health(targetGroupArn, targets).forEach((t, h) -> out.put(t, new TargetState(h, null, null)));
        return out;
    }

    /**
     * Asks to be told (with the target group's ARN) whenever targets of a group finish draining,
     * whether their delay passed or they had nothing in flight any more, so a stop held for the drain
     * can go on at once. The listener must not block. Implementations without draining never call it.
     */
    default void onDeregistered(java.util.function.Consumer<String> listener) {}

    /**
     * The group's {@code deregistration_delay.timeout_seconds} (ELBv2 default 300): how long a
     * deregistered target drains, and so how long ECS keeps a stopping task's container running.
     * 0 for a group that does not exist.
     */
    int deregistrationDelaySeconds(String targetGroupArn);

    /**
     * One target: for target type {@code instance} the id is the container instance's EC2
     * instance id, for {@code ip} the IP; {@code address} is where the data plane connects
     * (the instance's host IP) and {@code port} the host port the container port is bound to.
     */
    record Target(String id, String address, int port) {}

    /**
     * A target's health as DescribeTargetHealth shows it.
     *
     * @param reason ELB's reason code, null when healthy or unknown
     * @param description ELB's description, null when healthy or unknown
     */
    record TargetState(TargetHealth health, String reason, String description) {}

    /** ELBv2's target health states. */
    enum TargetHealth {
        INITIAL,
        HEALTHY,
        UNHEALTHY,
        UNUSED,
        DRAINING,
        UNAVAILABLE
    }

    /** No load balancers exist: every target group is unknown, as ECS reports it. */
    LoadBalancerTargets NONE = new LoadBalancerTargets() {
        @Override
        public void validate(String targetGroupArn, String containerName, int containerPort) {
            throw new AwsException(
                    "InvalidParameterException",
                    400,
                    "The target group with targetGroupArn " + targetGroupArn + " does not exist.");
        }

        @Override
        public void register(String targetGroupArn, List<Target> targets) {
            validate(targetGroupArn, null, 0);
        }

        @Override
        public void deregister(String targetGroupArn, List<Target> targets) {
            // nothing was ever registered, so there is nothing to drain
        }

        @Override
        public Map<Target, TargetHealth> health(String targetGroupArn, List<Target> targets) {
            Map<Target, TargetHealth> out = new java.util.LinkedHashMap<>();
            targets.forEach(t -> out.put(t, TargetHealth.UNUSED));
            return out;
        }

        @Override
        public int deregistrationDelaySeconds(String targetGroupArn) {
            return 0;
        }
    };
}
