package dev.berth.lb.api;

import dev.berth.lb.config.TargetGroupConf;
import java.util.List;

/**
 * What the API needs from the data plane: whether a load balancer is serving yet, whether a
 * listener's address and port can be bound, and the live health of a target group's targets.
 */
public interface Plane {

    /** {@code provisioning}, {@code active} or {@code failed}. */
    String loadBalancerState(String loadBalancerArn);

    /** Throws {@code InvalidConfigurationRequest} with the reason when {@code address:port} cannot be bound. */
    void checkBindable(String address, int port);

    /** Live health of the group's registered targets and of those still draining, in registration order. */
    List<TargetHealthView> health(TargetGroupConf targetGroup);

    /**
     * One target as DescribeTargetHealth shows it.
     *
     * @param state {@code initial}, {@code healthy}, {@code unhealthy}, {@code unused}, {@code draining} or {@code unavailable}
     * @param reason null when healthy
     */
    record TargetHealthView(
            String id,
            int port,
            String availabilityZone,
            int healthCheckPort,
            String state,
            String reason,
            String description) {}
}
