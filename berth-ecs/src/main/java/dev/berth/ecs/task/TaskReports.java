package dev.berth.ecs.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.ecs.instance.StoredContainerInstance;
import dev.berth.store.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Applies an agent's task state-change report ({@code {"type":"task","task":{...}}}, see
 * {@code docs/agent-protocol.md}) to the task record: lastStatus only moves forward (a late or
 * repeated report of an earlier status changes nothing), timestamps are set once, containers are
 * replaced by the reported ones (keeping their ARNs), and the instance's counts and resources move
 * through {@link Tasks#write}. A report about a task that is not this instance's is ignored: an
 * agent cannot touch another instance's tasks.
 */
public final class TaskReports {

    private final Tasks tasks;

    public TaskReports(Tasks tasks) {
        this.tasks = tasks;
    }

    /** Why a task event is malformed, or empty when it is well formed. */
    public static Optional<String> problem(JsonNode event) {
        JsonNode t = event.path("task");
        if (!t.path("taskArn").isTextual() || !t.path("lastStatus").isTextual()) {
            return Optional.of("A task event needs task.taskArn and task.lastStatus.");
        }
        if (t.has("containers") && !t.get("containers").isArray()) {
            return Optional.of("task.containers must be an array.");
        }
        return Optional.empty();
    }

    /** Applies one report from instance {@code ci} (locked); returns the instance to store. */
    public StoredContainerInstance apply(Transaction tx, StoredContainerInstance ci, JsonNode report) {
        return apply(tx, ci, report, t -> {});
    }

    /** The same, telling {@code changed} about the task when the report changed it. */
    public StoredContainerInstance apply(
            Transaction tx,
            StoredContainerInstance ci,
            JsonNode report,
            java.util.function.Consumer<StoredTask> changed) {
        Optional<String> id = tasks.resolve(ci.cluster(), report.path("taskArn").asText());
        TaskLifecycle status = TaskLifecycle.parse(report.path("lastStatus").asText());
        if (id.isEmpty() || status == null) {
            return ci;
        }
        Optional<StoredTask> current = tasks.lock(tx, ci.cluster(), id.get())
                .filter(t -> t.containerInstanceId().equals(ci.id()));
        if (current.isEmpty()
                || current.get().lastStatus().isAfter(status)
                || current.get().lastStatus() == TaskLifecycle.STOPPED) {
            return ci;
        }
        StoredTask before = current.get();
        Map<String, StoredTask.TaskContainer> known = before.containers().stream()
                .collect(Collectors.toMap(StoredTask.TaskContainer::name, Function.identity(), (a, b) -> a));
        List<StoredTask.TaskContainer> containers = new ArrayList<>();
        for (JsonNode c : report.path("containers")) {
            StoredTask.TaskContainer k = known.get(c.path("name").asText());
            if (k == null) {
                continue;
            }
            List<StoredTask.Binding> bindings = new ArrayList<>();
            c.path("networkBindings")
                    .forEach(b -> bindings.add(new StoredTask.Binding(
                            b.path("bindIP").asText(null),
                            b.path("containerPort").asInt(),
                            b.path("hostPort").asInt(),
                            b.path("protocol").asText("tcp"))));
            containers.add(new StoredTask.TaskContainer(
                    k.uuid(),
                    k.name(),
                    k.image(),
                    text(c, "runtimeId", k.runtimeId()),
                    text(c, "imageDigest", k.imageDigest()),
                    text(c, "lastStatus", k.lastStatus()),
                    c.hasNonNull("exitCode") ? Integer.valueOf(c.get("exitCode").asInt()) : k.exitCode(),
                    text(c, "reason", k.reason()),
                    bindings,
                    text(c, "healthStatus", k.healthStatus()),
                    k.cpu(),
                    k.memory(),
                    k.memoryReservation()));
        }
        long now = tasks.clock().millis();
        StoredTask.Times times = new StoredTask.Times(
                null,
                millis(report, "pullStartedAt"),
                millis(report, "pullStoppedAt"),
                millis(report, "startedAt"),
                millis(report, "stoppingAt"),
                millis(report, "executionStoppedAt"),
                millis(report, "stoppedAt"),
                now);
        StoredTask after = before.observed(
                status,
                containers,
                text(report, "healthStatus", null),
                times,
                text(report, "stopCode", null),
                text(report, "stoppedReason", null));
        changed.accept(after);
        return tasks.write(tx, ci, before, after, false);
    }

    private static String text(JsonNode n, String field, String fallback) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? fallback : v.asText();
    }

    private static Long millis(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.canConvertToLong() ? v.asLong() : null;
    }
}
