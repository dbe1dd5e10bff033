package dev.berth.agent.engine;

/**
 * Work a task status transition obliges the task's worker to do, returned by
 * {@link TaskStateMachine#transition} and performed by the caller (the state machine does no
 * I/O). Every successful transition also publishes a {@link TaskStateChange}; that is implied and
 * not listed.
 */
public enum TaskEffect {
    /** Pull images and create containers. */
    PREPARE_CONTAINERS,
    /** Start the containers whose dependencies are met (more start later as conditions are met). */
    START_CONTAINERS,
    /** Record stoppingAt and signal running containers (SIGTERM, SIGKILL after stopTimeout). */
    STOP_CONTAINERS,
    /** Record executionStoppedAt and release task resources. */
    RELEASE_RESOURCES,
    /** Record stoppedAt and schedule removal of the containers after the cleanup wait. */
    SCHEDULE_CLEANUP
}
