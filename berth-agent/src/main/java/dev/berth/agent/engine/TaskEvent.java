package dev.berth.agent.engine;

/**
 * What the engine tells its listener. Events of one task are delivered in order, on that task's
 * worker thread; events of different tasks may interleave.
 */
public sealed interface TaskEvent permits TaskStateChange, ContainerStateChange {
    /** The task the event is about. */
    String taskArn();
}
