package dev.berth.agent.engine;

/**
 * A container's known status inside the engine, in lifecycle order so that "forward" is a
 * comparison (the worker never moves a container backwards). ECS's API only shows
 * PENDING/RUNNING/STOPPED; {@link #apiName()} maps onto those.
 */
public enum ContainerStatus {
    /** Not created yet (image maybe not pulled). */
    NONE,
    /** Image present locally. */
    PULLED,
    /** Docker container created, not started. */
    CREATED,
    /** Started and not yet exited. */
    RUNNING,
    /** Exited, killed, or never started because the task stopped first. Terminal. */
    STOPPED;

    /** The ECS {@code lastStatus} for a container in this status. */
    public String apiName() {
        return switch (this) {
            case NONE, PULLED, CREATED -> "PENDING";
            case RUNNING -> "RUNNING";
            case STOPPED -> "STOPPED";
        };
    }
}
