package dev.berth.agent.engine;

/**
 * The task's known status, desired status, stop code/reason or timestamps changed. Carries the
 * full snapshot (containers included) so a consumer never has to merge partial updates.
 */
public record TaskStateChange(TaskState task) implements TaskEvent {
    @Override
    public String taskArn() {
        return task.taskArn();
    }
}
