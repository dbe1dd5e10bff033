package dev.berth.scheduler;

/**
 * Container instance statuses as ECS reports them. Only {@link #ACTIVE} instances receive tasks;
 * the others appear in placement failures with their status as the reason.
 */
public enum InstanceStatus {
    ACTIVE,
    DRAINING,
    INACTIVE,
    REGISTERING,
    DEREGISTERING,
    REGISTRATION_FAILED
}
