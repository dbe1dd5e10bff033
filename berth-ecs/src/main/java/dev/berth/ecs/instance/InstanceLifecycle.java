package dev.berth.ecs.instance;

import dev.berth.scheduler.InstanceStatus;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The container instance lifecycle as an explicit transition table, so that every status change
 * (UpdateContainerInstancesState, DeregisterContainerInstance, an agent re-registering) is checked
 * against one place instead of ad-hoc conditions in each handler.
 *
 * <p>Berth registers synchronously, so {@code REGISTERING} and {@code REGISTRATION_FAILED} are never
 * stored today; they are in the table because ECS reports them and a future asynchronous step (ENI
 * trunking in ECS) would pass through them. {@code INACTIVE} is terminal: a deregistered instance
 * never comes back; its agent registers a new one with a new ARN.
 */
public final class InstanceLifecycle {

    private static final Map<InstanceStatus, Set<InstanceStatus>> ALLOWED = new EnumMap<>(InstanceStatus.class);

    static {
        ALLOWED.put(InstanceStatus.REGISTERING, EnumSet.of(InstanceStatus.ACTIVE, InstanceStatus.REGISTRATION_FAILED));
        ALLOWED.put(InstanceStatus.REGISTRATION_FAILED, EnumSet.of(InstanceStatus.INACTIVE));
        ALLOWED.put(
                InstanceStatus.ACTIVE,
                EnumSet.of(InstanceStatus.DRAINING, InstanceStatus.DEREGISTERING, InstanceStatus.INACTIVE));
        ALLOWED.put(
                InstanceStatus.DRAINING,
                EnumSet.of(InstanceStatus.ACTIVE, InstanceStatus.DEREGISTERING, InstanceStatus.INACTIVE));
        ALLOWED.put(InstanceStatus.DEREGISTERING, EnumSet.of(InstanceStatus.INACTIVE));
        ALLOWED.put(InstanceStatus.INACTIVE, EnumSet.noneOf(InstanceStatus.class));
    }

    private InstanceLifecycle() {}

    /** True if an instance in {@code from} may move to {@code to}; staying in the same status is always allowed. */
    public static boolean allowed(InstanceStatus from, InstanceStatus to) {
        return from == to || ALLOWED.get(from).contains(to);
    }

    /** The statuses ECS counts as registered (DescribeClusters, DeleteCluster): neither gone nor failed. */
    public static boolean registered(InstanceStatus s) {
        return s == InstanceStatus.ACTIVE || s == InstanceStatus.DRAINING;
    }
}
