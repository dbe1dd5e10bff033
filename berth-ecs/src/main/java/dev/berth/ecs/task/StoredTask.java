package dev.berth.ecs.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.tag.Tag;
import java.util.List;

/**
 * One task as the store keeps it (kind {@code task}, key {@code <cluster>/<id>}, 32-hex id). Tasks
 * are never moved or deleted when they stop, so stopped tasks stay describable (ECS keeps them at
 * least an hour; Berth keeps them until a purge exists).
 *
 * <p>Two halves with different writers: the API writes the desired half (desiredStatus, stopCode,
 * stoppedReason, stoppingAt) and the agent's reports write the observed half (lastStatus,
 * containers, the other timestamps). {@link #released} records that the task's reservation has been
 * given back to its instance, so it is given back exactly once.
 *
 * @param spec the agent's TaskSpec (the task definition with overrides applied) as JSON
 * @param reservation what the task holds on its instance while it is not STOPPED
 * @param host the instance's availability zone and CPU architecture at placement (null in older records)
 * @param drainUntil while the task's load balancer targets drain (epoch millis): the stop is decided
 *     (desiredStatus STOPPED, lastStatus DEACTIVATING) but its agent is still told RUNNING until then, or
 *     until the service scheduler releases it earlier ({@link #drainReleased}); null otherwise
 */
public record StoredTask(
        String cluster,
        String id,
        String taskDefinitionArn,
        String containerInstanceId,
        String group,
        String startedBy,
        TaskLifecycle lastStatus,
        TaskLifecycle desiredStatus,
        String cpu,
        String memory,
        Reservation reservation,
        ObjectNode overrides,
        ObjectNode spec,
        List<TaskContainer> containers,
        List<Tag> tags,
        long version,
        String stopCode,
        String stoppedReason,
        String healthStatus,
        Times times,
        boolean released,
        Host host,
        Long drainUntil) {

    /** Facts of the instance the task was placed on that ECS reports with the task. */
    public record Host(String availabilityZone, String cpuArchitecture) {}

    /** CPU units, MiB and static host ports (TCP, UDP) a task reserves on its instance. */
    public record Reservation(int cpu, int memory, List<Integer> tcpPorts, List<Integer> udpPorts) {
        public Reservation {
            tcpPorts = tcpPorts == null ? List.of() : List.copyOf(tcpPorts);
            udpPorts = udpPorts == null ? List.of() : List.copyOf(udpPorts);
        }
    }

    /** ECS's task timestamps in epoch milliseconds, null until they happen. */
    public record Times(
            Long createdAt,
            Long pullStartedAt,
            Long pullStoppedAt,
            Long startedAt,
            Long stoppingAt,
            Long executionStoppedAt,
            Long stoppedAt,
            Long connectivityAt) {

        /** Each timestamp already set is kept; a missing one is taken from {@code later}. */
        Times merge(Times later) {
            return new Times(
                    first(createdAt, later.createdAt),
                    first(pullStartedAt, later.pullStartedAt),
                    first(pullStoppedAt, later.pullStoppedAt),
                    first(startedAt, later.startedAt),
                    first(stoppingAt, later.stoppingAt),
                    first(executionStoppedAt, later.executionStoppedAt),
                    first(stoppedAt, later.stoppedAt),
                    first(connectivityAt, later.connectivityAt));
        }

        private static Long first(Long a, Long b) {
            return a != null ? a : b;
        }
    }

    /** One container of the task as last reported (or as created, before any report). */
    public record TaskContainer(
            String uuid,
            String name,
            String image,
            String runtimeId,
            String imageDigest,
            String lastStatus,
            Integer exitCode,
            String reason,
            List<Binding> networkBindings,
            String healthStatus,
            String cpu,
            String memory,
            String memoryReservation) {
        public TaskContainer {
            networkBindings = networkBindings == null ? List.of() : List.copyOf(networkBindings);
        }
    }

    /** ECS's NetworkBinding. */
    public record Binding(String bindIP, int containerPort, int hostPort, String protocol) {}

    public StoredTask {
        containers = containers == null ? List.of() : List.copyOf(containers);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    public String key() {
        return cluster + "/" + id;
    }

    /** The key of this task in the per-instance index of tasks that are not STOPPED yet. */
    public String liveKey() {
        return cluster + "/" + containerInstanceId + "/" + id;
    }

    /** The task with the stop decided: desired STOPPED; the first decision's code and reason stick. */
    public StoredTask stopRequested(String code, String reason, long nowMillis) {
        if (desiredStatus == TaskLifecycle.STOPPED) {
            return this;
        }
        Times t = times.merge(new Times(null, null, null, null, nowMillis, null, null, null));
        return new StoredTask(
                cluster,
                id,
                taskDefinitionArn,
                containerInstanceId,
                group,
                startedBy,
                lastStatus,
                TaskLifecycle.STOPPED,
                cpu,
                memory,
                reservation,
                overrides,
                spec,
                containers,
                tags,
                version + 1,
                code,
                reason,
                healthStatus,
                t,
                released,
                host,
                null);
    }

    /**
     * The stop decided, but held while the task's targets drain: desired STOPPED, lastStatus DEACTIVATING
     * (ECS's state while a service task's targets deregister), the agent told to keep it running until
     * {@code untilMillis}. A task not RUNNING yet is stopped at once instead.
     */
    public StoredTask drainRequested(String code, String reason, long nowMillis, long untilMillis) {
        StoredTask s = stopRequested(code, reason, nowMillis);
        if (s == this || lastStatus != TaskLifecycle.RUNNING) {
            return s;
        }
        return new StoredTask(
                cluster,
                id,
                taskDefinitionArn,
                containerInstanceId,
                group,
                startedBy,
                TaskLifecycle.DEACTIVATING,
                TaskLifecycle.STOPPED,
                cpu,
                memory,
                reservation,
                overrides,
                spec,
                containers,
                tags,
                s.version,
                s.stopCode,
                s.stoppedReason,
                healthStatus,
                s.times,
                released,
                host,
                untilMillis);
    }

    /** The drain is over: the agent is now told STOPPED. */
    public StoredTask drainReleased() {
        return new StoredTask(
                cluster,
                id,
                taskDefinitionArn,
                containerInstanceId,
                group,
                startedBy,
                lastStatus,
                desiredStatus,
                cpu,
                memory,
                reservation,
                overrides,
                spec,
                containers,
                tags,
                version + 1,
                stopCode,
                stoppedReason,
                healthStatus,
                times,
                released,
                host,
                null);
    }

    /** The desired status the task's agent acts on: RUNNING while a stop is held for draining. */
    public TaskLifecycle agentDesiredStatus(long nowMillis) {
        return desiredStatus == TaskLifecycle.STOPPED && drainUntil != null && nowMillis < drainUntil
                ? TaskLifecycle.RUNNING
                : desiredStatus;
    }

    /** The task with an agent's report applied (the caller has checked that it moves forward). */
    public StoredTask observed(
            TaskLifecycle status,
            List<TaskContainer> reported,
            String health,
            Times reportedTimes,
            String reportedStopCode,
            String reportedReason) {
        TaskLifecycle desired = status == TaskLifecycle.STOPPED ? TaskLifecycle.STOPPED : desiredStatus;
        return new StoredTask(
                cluster,
                id,
                taskDefinitionArn,
                containerInstanceId,
                group,
                startedBy,
                status,
                desired,
                cpu,
                memory,
                reservation,
                overrides,
                spec,
                reported.isEmpty() ? containers : reported,
                tags,
                version + 1,
                stopCode != null ? stopCode : reportedStopCode,
                stoppedReason != null ? stoppedReason : reportedReason,
                health != null ? health : healthStatus,
                times.merge(reportedTimes),
                released,
                host,
                status == TaskLifecycle.STOPPED ? null : drainUntil);
    }

    /** The task marked STOPPED without its agent (its instance is gone). */
    public StoredTask stoppedWithoutAgent(String code, String reason, long nowMillis) {
        StoredTask s = stopRequested(code, reason, nowMillis);
        Times t = s.times.merge(new Times(null, null, null, null, nowMillis, nowMillis, nowMillis, null));
        return new StoredTask(
                cluster,
                id,
                taskDefinitionArn,
                containerInstanceId,
                group,
                startedBy,
                TaskLifecycle.STOPPED,
                TaskLifecycle.STOPPED,
                cpu,
                memory,
                reservation,
                overrides,
                spec,
                containers,
                tags,
                s.version + 1,
                s.stopCode,
                s.stoppedReason,
                healthStatus,
                t,
                released,
                host,
                null);
    }

    public StoredTask withReleased() {
        return new StoredTask(
                cluster,
                id,
                taskDefinitionArn,
                containerInstanceId,
                group,
                startedBy,
                lastStatus,
                desiredStatus,
                cpu,
                memory,
                reservation,
                overrides,
                spec,
                containers,
                tags,
                version,
                stopCode,
                stoppedReason,
                healthStatus,
                times,
                true,
                host,
                drainUntil);
    }

    public StoredTask withTags(List<Tag> t) {
        return new StoredTask(
                cluster,
                id,
                taskDefinitionArn,
                containerInstanceId,
                group,
                startedBy,
                lastStatus,
                desiredStatus,
                cpu,
                memory,
                reservation,
                overrides,
                spec,
                containers,
                t,
                version,
                stopCode,
                stoppedReason,
                healthStatus,
                times,
                released,
                host,
                drainUntil);
    }
}
