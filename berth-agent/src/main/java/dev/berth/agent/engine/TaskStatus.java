package dev.berth.agent.engine;

/**
 * The ECS task lifecycle, in order. The declaration order is the lifecycle order, so "forward"
 * is a comparison ({@link #isAfter}); which moves are legal, and what each move must cause, is
 * {@link TaskStateMachine}'s table.
 */
public enum TaskStatus {
    /** Accepted by the agent; resources (networks) being set up. */
    PROVISIONING,
    /** Images being pulled, containers being created. */
    PENDING,
    /** Containers being started in {@code dependsOn} order. */
    ACTIVATING,
    /** Every container has started (some may already have completed). */
    RUNNING,
    /** Stop decided; the task is being taken out of service before its containers are signalled. */
    DEACTIVATING,
    /** Containers got SIGTERM (SIGKILL after their stopTimeout). */
    STOPPING,
    /** All containers stopped; resources being released. */
    DEPROVISIONING,
    /** Terminal. */
    STOPPED;

    /** True when this status comes later in the lifecycle than {@code other}. */
    public boolean isAfter(TaskStatus other) {
        return compareTo(other) > 0;
    }

    /** The ECS API's {@code lastStatus} vocabulary is exactly these names. */
    public String apiName() {
        return name();
    }
}
