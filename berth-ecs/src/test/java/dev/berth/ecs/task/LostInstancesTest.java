package dev.berth.ecs.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.berth.ecs.Kinds;
import dev.berth.ecs.instance.ContainerInstances;
import dev.berth.ecs.instance.InstanceNotifier;
import dev.berth.ecs.instance.StoredContainerInstance;
import dev.berth.model.Platform;
import dev.berth.protocol.json.Jsons;
import dev.berth.scheduler.InstanceStatus;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StateStores;
import dev.berth.store.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks of an instance whose agent stays away past heartbeat + lost-instance timeout are stopped, once, with their resources. */
class LostInstancesTest {

    static final String CI = "c".repeat(32);

    @TempDir
    Path dir;

    StateStore store;
    ManualClock clock = new ManualClock();
    Documents docs = new Documents(Jsons.newMapper());
    Platform platform = new Platform("000000000000", "us-east-1");
    ContainerInstances instances = new ContainerInstances(docs, platform, clock, Duration.ofSeconds(60));
    Tasks tasks = new Tasks(docs, platform, clock);
    LostInstances sweep;

    @BeforeEach
    void open() {
        store = StateStores.open(null, dir, 2);
        sweep = new LostInstances(store, tasks, instances, new InstanceNotifier(), Duration.ofMinutes(5));
        long now = clock.millis();
        var res = new StoredContainerInstance.Resources(1024, 2048, List.of("22"), List.of());
        StoredContainerInstance ci = new StoredContainerInstance(
                "c",
                CI,
                "i-1",
                InstanceStatus.ACTIVE,
                null,
                1,
                new StoredContainerInstance.VersionInfo("1", "h", "d"),
                res,
                res,
                0,
                0,
                null,
                null,
                null,
                "127.0.0.1",
                now,
                now,
                "x",
                1,
                0,
                null);
        store.transact(tx -> {
            StoredContainerInstance c = tasks.create(tx, ci, task("a".repeat(32), TaskLifecycle.PROVISIONING));
            c = tasks.create(tx, c, task("b".repeat(32), TaskLifecycle.PROVISIONING));
            StoredTask b = tasks.find(tx, "c", "b".repeat(32)).orElseThrow();
            c = tasks.write(
                    tx,
                    c,
                    b,
                    b.observed(
                            TaskLifecycle.RUNNING,
                            List.of(),
                            null,
                            new StoredTask.Times(null, null, null, now, null, null, null, now),
                            null,
                            null),
                    false);
            docs.put(tx, Kinds.CONTAINER_INSTANCE, c.key(), c);
            return null;
        });
    }

    @AfterEach
    void close() {
        store.close();
    }

    StoredTask task(String id, TaskLifecycle status) {
        return new StoredTask(
                "c",
                id,
                "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1",
                CI,
                "family:web",
                null,
                status,
                TaskLifecycle.RUNNING,
                null,
                null,
                new StoredTask.Reservation(128, 256, List.of(8080 + id.charAt(0)), List.of()),
                JsonNodeFactory.instance.objectNode(),
                JsonNodeFactory.instance.objectNode(),
                List.of(),
                List.of(),
                1,
                null,
                null,
                "UNKNOWN",
                new StoredTask.Times(clock.millis(), null, null, null, null, null, null, null),
                false,
                null,
                null);
    }

    StoredContainerInstance instance() {
        return store.read(tx -> instances.find(tx, "c", CI)).orElseThrow();
    }

    StoredTask task(String id) {
        return store.read(tx -> tasks.find(tx, "c", id)).orElseThrow();
    }

    @Test
    void nothingHappensUntilHeartbeatPlusLostTimeoutHavePassed() {
        assertThat(instance().remaining().memory()).isEqualTo(2048 - 512);
        clock.advance(Duration.ofSeconds(60 + 300));
        assertThat(instances.connected(instance())).isFalse();
        assertThat(sweep.sweep()).isZero();
        assertThat(task("a".repeat(32)).lastStatus()).isEqualTo(TaskLifecycle.PROVISIONING);
    }

    @Test
    void tasksOfALostInstanceAreStoppedWithTheReasonAndReleaseTheirResourcesOnce() {
        clock.advance(Duration.ofSeconds(60 + 300 + 1));
        long before = instance().desiredVersion();
        assertThat(sweep.sweep()).isEqualTo(2);
        for (String id : List.of("a".repeat(32), "b".repeat(32))) {
            StoredTask t = task(id);
            assertThat(t.lastStatus()).isEqualTo(TaskLifecycle.STOPPED);
            assertThat(t.desiredStatus()).isEqualTo(TaskLifecycle.STOPPED);
            assertThat(t.stopCode()).isEqualTo("TerminationNotice");
            assertThat(t.stoppedReason())
                    .isEqualTo("Task stopped because the container instance's agent was disconnected"
                            + " for longer than the lost-instance timeout (5 min)");
            assertThat(t.times().stoppedAt()).isEqualTo(clock.millis());
            assertThat(t.released()).isTrue();
        }
        StoredContainerInstance ci = instance();
        assertThat(ci.remaining().cpu()).isEqualTo(1024);
        assertThat(ci.remaining().memory()).isEqualTo(2048);
        assertThat(ci.remaining().ports()).containsExactly("22");
        assertThat(ci.runningTasksCount()).isZero();
        assertThat(ci.pendingTasksCount()).isZero();
        assertThat(ci.status()).isEqualTo(InstanceStatus.ACTIVE);
        assertThat(ci.desiredVersion()).isGreaterThan(before);
        assertThat(store.<com.fasterxml.jackson.databind.node.ArrayNode>read(tx -> tasks.desiredFor(tx, "c", CI))
                        .size())
                .isZero();

        clock.advance(Duration.ofMinutes(10));
        assertThat(sweep.sweep()).isZero();
        assertThat(instance()).isEqualTo(ci);
    }

    @Test
    void aStopAlreadyRequestedKeepsItsCodeAndAnAgentSeenRecentlyIsNotLost() {
        store.transact(tx -> {
            StoredContainerInstance ci = instances.lockRegistered(tx, "c", CI).orElseThrow();
            StoredTask a = tasks.lock(tx, "c", "a".repeat(32)).orElseThrow();
            ci = tasks.write(tx, ci, a, a.stopRequested("UserInitiated", "Task stopped by user", clock.millis()), true);
            docs.put(tx, Kinds.CONTAINER_INSTANCE, ci.key(), ci);
            return null;
        });
        clock.advance(Duration.ofMinutes(6));
        store.transact(tx -> {
            StoredContainerInstance ci = instances.lockRegistered(tx, "c", CI).orElseThrow();
            docs.put(tx, Kinds.CONTAINER_INSTANCE, ci.key(), ci.withLastSeen(clock.millis()));
            return null;
        });
        assertThat(sweep.sweep()).isZero();
        clock.advance(Duration.ofMinutes(6).plusSeconds(1));
        assertThat(sweep.sweep()).isEqualTo(2);
        assertThat(task("a".repeat(32)).stopCode()).isEqualTo("UserInitiated");
        assertThat(task("b".repeat(32)).stopCode()).isEqualTo("TerminationNotice");
    }
}
