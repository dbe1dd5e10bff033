package dev.berth.ecs.task;

import java.util.Locale;

/**
 * The ECS task lifecycle as the control plane records it ({@code lastStatus}, and
 * {@code desiredStatus}, which is only ever RUNNING or STOPPED). Declaration order is lifecycle
 * order, so "a report only moves a task forward" is a comparison ({@link #isAfter}); the agent's
 * engine owns the fine-grained transitions and this side only accepts forward moves.
 *
 * <p>{@link #bucket()} is how a status counts on its container instance and cluster: pending until
 * RUNNING, running while RUNNING or on its way down, nothing once STOPPED.
 */
public enum TaskLifecycle {
    PROVISIONING,
    PENDING,
    ACTIVATING,
    RUNNING,
    DEACTIVATING,
    STOPPING,
    DEPROVISIONING,
    STOPPED;

    /** Which counter a task in this status belongs to. */
    public enum Bucket {
        PENDING,
        RUNNING,
        NONE
    }

    public boolean isAfter(TaskLifecycle other) {
        return compareTo(other) > 0;
    }

    public Bucket bucket() {
        return switch (this) {
            case PROVISIONING, PENDING, ACTIVATING -> Bucket.PENDING;
            case RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING -> Bucket.RUNNING;
            case STOPPED -> Bucket.NONE;
        };
    }

    /** The status named {@code s}, or null when {@code s} is not one (an agent from the future). */
    public static TaskLifecycle parse(String s) {
        if (s == null) {
            return null;
        }
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
