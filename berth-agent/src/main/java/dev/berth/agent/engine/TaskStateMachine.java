package dev.berth.agent.engine;

import static dev.berth.agent.engine.TaskEffect.PREPARE_CONTAINERS;
import static dev.berth.agent.engine.TaskEffect.RELEASE_RESOURCES;
import static dev.berth.agent.engine.TaskEffect.SCHEDULE_CLEANUP;
import static dev.berth.agent.engine.TaskEffect.START_CONTAINERS;
import static dev.berth.agent.engine.TaskEffect.STOP_CONTAINERS;
import static dev.berth.agent.engine.TaskStatus.ACTIVATING;
import static dev.berth.agent.engine.TaskStatus.DEACTIVATING;
import static dev.berth.agent.engine.TaskStatus.DEPROVISIONING;
import static dev.berth.agent.engine.TaskStatus.PENDING;
import static dev.berth.agent.engine.TaskStatus.PROVISIONING;
import static dev.berth.agent.engine.TaskStatus.RUNNING;
import static dev.berth.agent.engine.TaskStatus.STOPPED;
import static dev.berth.agent.engine.TaskStatus.STOPPING;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The task lifecycle as a declarative transition table (after Apache Aurora's
 * {@code TaskStateMachine}): every legal {@code from -> to} move and the side effects it
 * requires. Pure and stateless; the task's worker is the only caller and performs the effects.
 *
 * <p>Invariants the table encodes: moves only go forward; the happy path visits every status in
 * order; a task that is stopped before it was activated (a pull failure, a StopTask while
 * pulling) goes straight to STOPPING; a task that was activating or running passes DEACTIVATING
 * first; every task ends STOPPING -> DEPROVISIONING -> STOPPED, so each stop is reported the
 * same way. Adopting a task after an agent restart sets its status directly (it is observed, not
 * moved) and is not a transition.
 */
public final class TaskStateMachine {

    /** The outcome of asking for a move. */
    public sealed interface Result permits Moved, Rejected {}

    /** The move is legal; perform {@code effects} in order. */
    public record Moved(TaskStatus from, TaskStatus to, List<TaskEffect> effects) implements Result {}

    /** The move is illegal (backwards, a skip, or out of a terminal status). */
    public record Rejected(TaskStatus from, TaskStatus to) implements Result {}

    private static final Map<TaskStatus, Map<TaskStatus, List<TaskEffect>>> TABLE = table();

    private TaskStateMachine() {}

    private static Map<TaskStatus, Map<TaskStatus, List<TaskEffect>>> table() {
        var t = new EnumMap<TaskStatus, Map<TaskStatus, List<TaskEffect>>>(TaskStatus.class);
        t.put(
                PROVISIONING,
                Map.of(
                        PENDING, List.of(PREPARE_CONTAINERS),
                        STOPPING, List.of(STOP_CONTAINERS)));
        t.put(
                PENDING,
                Map.of(
                        ACTIVATING, List.of(START_CONTAINERS),
                        STOPPING, List.of(STOP_CONTAINERS)));
        t.put(
                ACTIVATING,
                Map.of(
                        RUNNING, List.of(),
                        DEACTIVATING, List.of()));
        t.put(RUNNING, Map.of(DEACTIVATING, List.of()));
        t.put(DEACTIVATING, Map.of(STOPPING, List.of(STOP_CONTAINERS)));
        t.put(STOPPING, Map.of(DEPROVISIONING, List.of(RELEASE_RESOURCES)));
        t.put(DEPROVISIONING, Map.of(STOPPED, List.of(SCHEDULE_CLEANUP)));
        t.put(STOPPED, Map.of());
        return t;
    }

    /** Looks the move up in the table. */
    public static Result transition(TaskStatus from, TaskStatus to) {
        List<TaskEffect> effects = TABLE.get(from).get(to);
        return effects == null ? new Rejected(from, to) : new Moved(from, to, effects);
    }

    /**
     * The status of a task observed from its containers' statuses, for adopting a task after an
     * agent restart (an observation, not a transition): all stopped is STOPPED, all started (or
     * finished) is RUNNING, some started is ACTIVATING, none started is PENDING.
     */
    public static TaskStatus observed(java.util.Collection<ContainerStatus> containers) {
        if (containers.stream().allMatch(c -> c == ContainerStatus.STOPPED)) {
            return STOPPED;
        }
        if (containers.stream().allMatch(c -> c.compareTo(ContainerStatus.RUNNING) >= 0)) {
            return RUNNING;
        }
        return containers.stream().anyMatch(c -> c.compareTo(ContainerStatus.RUNNING) >= 0) ? ACTIVATING : PENDING;
    }

    /** The next status on the way to STOPPED from {@code from} ({@code from} itself if STOPPED). */
    public static TaskStatus nextTowardsStopped(TaskStatus from) {
        return switch (from) {
            case PROVISIONING, PENDING, DEACTIVATING -> STOPPING;
            case ACTIVATING, RUNNING -> DEACTIVATING;
            case STOPPING -> DEPROVISIONING;
            case DEPROVISIONING, STOPPED -> STOPPED;
        };
    }
}
