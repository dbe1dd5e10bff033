package dev.berth.agent.engine;

/**
 * Receives the engine's events. Called on the task's worker thread (a virtual thread): it must be
 * thread-safe across tasks and should return quickly (hand the event to a queue); an exception it
 * throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface TaskEventListener {
    void onEvent(TaskEvent event);
}
