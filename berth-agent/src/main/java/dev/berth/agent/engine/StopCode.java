package dev.berth.agent.engine;

/** ECS {@code stopCode}: why a task stopped, in the ECS spelling ({@link #apiName()}). */
public enum StopCode {
    TASK_FAILED_TO_START("TaskFailedToStart"),
    ESSENTIAL_CONTAINER_EXITED("EssentialContainerExited"),
    USER_INITIATED("UserInitiated"),
    SERVICE_SCHEDULER_INITIATED("ServiceSchedulerInitiated"),
    SPOT_INTERRUPTION("SpotInterruption"),
    TERMINATION_NOTICE("TerminationNotice");

    private final String apiName;

    StopCode(String apiName) {
        this.apiName = apiName;
    }

    /** The value of the ECS API's {@code stopCode} field. */
    public String apiName() {
        return apiName;
    }
}
