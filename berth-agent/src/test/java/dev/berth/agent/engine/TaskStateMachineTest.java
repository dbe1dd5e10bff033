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
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole transition table, Aurora-style: every (from, to) pair is either listed here with its
 * effects or must be rejected. Adding a transition to the machine without adding it here fails.
 */
class TaskStateMachineTest {

    private record Expectation(TaskStatus from, TaskStatus to, List<TaskEffect> effects) {}

    private static final List<Expectation> ALLOWED = List.of(
            new Expectation(PROVISIONING, PENDING, List.of(PREPARE_CONTAINERS)),
            new Expectation(PROVISIONING, STOPPING, List.of(STOP_CONTAINERS)),
            new Expectation(PENDING, ACTIVATING, List.of(START_CONTAINERS)),
            new Expectation(PENDING, STOPPING, List.of(STOP_CONTAINERS)),
            new Expectation(ACTIVATING, RUNNING, List.of()),
            new Expectation(ACTIVATING, DEACTIVATING, List.of()),
            new Expectation(RUNNING, DEACTIVATING, List.of()),
            new Expectation(DEACTIVATING, STOPPING, List.of(STOP_CONTAINERS)),
            new Expectation(STOPPING, DEPROVISIONING, List.of(RELEASE_RESOURCES)),
            new Expectation(DEPROVISIONING, STOPPED, List.of(SCHEDULE_CLEANUP)));

    @Test
    void everyPairIsExactlyAsExpected() {
        int checked = 0;
        for (TaskStatus from : TaskStatus.values()) {
            for (TaskStatus to : TaskStatus.values()) {
                var expected = ALLOWED.stream()
                        .filter(e -> e.from() == from && e.to() == to)
                        .findFirst();
                var actual = TaskStateMachine.transition(from, to);
                if (expected.isPresent()) {
                    assertThat(actual)
                            .as(from + " -> " + to)
                            .isEqualTo(new TaskStateMachine.Moved(
                                    from, to, expected.get().effects()));
                } else {
                    assertThat(actual).as(from + " -> " + to).isEqualTo(new TaskStateMachine.Rejected(from, to));
                }
                checked++;
            }
        }
        assertThat(checked).isEqualTo(64);
    }

    @Test
    void everyLegalMoveGoesForward() {
        for (Expectation e : ALLOWED) {
            assertThat(e.to().isAfter(e.from())).as(e.toString()).isTrue();
        }
    }

    @Test
    void fromAnyStatusTheWayTowardsStoppedIsLegalAndEndsStopped() {
        var paths = Map.of(
                PROVISIONING, List.of(STOPPING, DEPROVISIONING, STOPPED),
                PENDING, List.of(STOPPING, DEPROVISIONING, STOPPED),
                ACTIVATING, List.of(DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED),
                RUNNING, List.of(DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED),
                DEACTIVATING, List.of(STOPPING, DEPROVISIONING, STOPPED),
                STOPPING, List.of(DEPROVISIONING, STOPPED),
                DEPROVISIONING, List.of(STOPPED),
                STOPPED, List.<TaskStatus>of());
        for (TaskStatus start : TaskStatus.values()) {
            var walked = new ArrayList<TaskStatus>();
            TaskStatus at = start;
            while (at != STOPPED) {
                TaskStatus next = TaskStateMachine.nextTowardsStopped(at);
                assertThat(TaskStateMachine.transition(at, next)).isInstanceOf(TaskStateMachine.Moved.class);
                walked.add(next);
                at = next;
            }
            assertThat(walked).as("from " + start).isEqualTo(paths.get(start));
        }
    }

    @Test
    void happyPathVisitsEveryStatusInOrder() {
        var path = List.of(PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED);
        assertThat(path).containsExactly(TaskStatus.values());
        for (int i = 1; i < path.size(); i++) {
            assertThat(TaskStateMachine.transition(path.get(i - 1), path.get(i)))
                    .isInstanceOf(TaskStateMachine.Moved.class);
        }
    }

    @Test
    void adoptedTasksTakeTheStatusTheirContainersShow() {
        assertThat(TaskStateMachine.observed(List.of(ContainerStatus.STOPPED, ContainerStatus.STOPPED)))
                .isEqualTo(STOPPED);
        assertThat(TaskStateMachine.observed(List.of(ContainerStatus.RUNNING, ContainerStatus.STOPPED)))
                .isEqualTo(RUNNING);
        assertThat(TaskStateMachine.observed(List.of(ContainerStatus.RUNNING, ContainerStatus.CREATED)))
                .isEqualTo(ACTIVATING);
        assertThat(TaskStateMachine.observed(List.of(ContainerStatus.CREATED, ContainerStatus.NONE)))
                .isEqualTo(PENDING);
    }
}
