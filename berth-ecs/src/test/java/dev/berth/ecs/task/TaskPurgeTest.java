package dev.berth.ecs.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.berth.ecs.Kinds;
import dev.berth.model.Platform;
import dev.berth.protocol.json.Jsons;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StateStores;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopped tasks stay describable for the retention (ECS: at least an hour), then are forgotten; others never are. */
class TaskPurgeTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    StateStore store;
    Documents docs = new Documents(Jsons.newMapper());
    Platform platform = new Platform("000000000000", "us-east-1");

    @BeforeEach
    void open() {
        store = StateStores.open(null, dir, 2);
    }

    @AfterEach
    void close() {
        store.close();
    }

    StoredTask task(String id, TaskLifecycle status, Long stoppedAt) {
        return new StoredTask(
                "c",
                id,
                "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1",
                "f".repeat(32),
                "family:web",
                null,
                status,
                status == TaskLifecycle.STOPPED ? TaskLifecycle.STOPPED : TaskLifecycle.RUNNING,
                null,
                null,
                new StoredTask.Reservation(0, 0, List.of(), List.of()),
                JsonNodeFactory.instance.objectNode(),
                JsonNodeFactory.instance.objectNode(),
                List.of(),
                List.of(),
                1,
                null,
                null,
                "UNKNOWN",
                new StoredTask.Times(T0.toEpochMilli(), null, null, null, null, null, stoppedAt, null),
                true,
                null,
                null);
    }

    @Test
    void onlyTasksStoppedLongerThanTheRetentionAreDeleted() {
        long t0 = T0.toEpochMilli();
        List<StoredTask> all = List.of(
                task("a".repeat(32), TaskLifecycle.STOPPED, t0),
                task(
                        "b".repeat(32),
                        TaskLifecycle.STOPPED,
                        t0 + Duration.ofMinutes(50).toMillis()),
                task("c".repeat(32), TaskLifecycle.RUNNING, null));
        store.transact(tx -> {
            all.forEach(t -> docs.put(tx, Kinds.TASK, t.key(), t));
            return null;
        });
        Tasks later = new Tasks(docs, platform, Clock.fixed(T0.plus(Duration.ofMinutes(61)), ZoneOffset.UTC));
        TaskApi api = new TaskApi(store, later, null, null, null, null);
        assertThat(api.purgeStopped(Duration.ofHours(1))).isEqualTo(1);
        long left = store.<Long>read(tx -> tx.count(Kinds.TASK, "c/"));
        assertThat(left).isEqualTo(2);
        java.util.Optional<StoredTask> purged = store.read(tx -> later.find(tx, "c", "a".repeat(32)));
        assertThat(purged).isEmpty();
        assertThat(api.purgeStopped(Duration.ofHours(1))).isZero();
    }
}
