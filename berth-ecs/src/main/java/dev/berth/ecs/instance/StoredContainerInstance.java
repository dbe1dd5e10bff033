package dev.berth.ecs.instance;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.model.tag.Tag;
import dev.berth.scheduler.InstanceStatus;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One container instance as the store keeps it (kind {@code container-instance}, key
 * {@code <cluster>/<id>}; once deregistered, kind {@code container-instance-inactive}).
 *
 * <p>Two counters with different jobs: {@code version} is ECS's version (it grows with every change a
 * user could observe in DescribeContainerInstances), {@code desiredVersion} is the agent protocol's
 * index (it grows only when what the agent should do changes, and wakes its long-poll).
 * {@code lastSeenMillis} is written by every heartbeat and does not touch either counter; whether the
 * agent is connected is derived from it when read, with the server's clock and timeout, so no
 * background job has to flip a flag.
 *
 * @param agentAttributes attributes the agent registered (built-ins, capabilities, {@code --attribute}); replaced on re-registration
 * @param customAttributes attributes set with PutAttributes; kept across re-registration; a null value is an
 *     attribute without value (stored as JSON null, hence the inclusion override)
 * @param secretHash SHA-256 (hex) of the per-instance agent secret
 * @param highestEventSeq the highest state-change report sequence number applied (idempotency)
 * @param runtime what the agent last said about its container runtime (Docker Engine); null until its first report
 */
public record StoredContainerInstance(
        String cluster,
        String id,
        String ec2InstanceId,
        InstanceStatus status,
        String statusReason,
        long version,
        VersionInfo versionInfo,
        Resources registered,
        Resources remaining,
        int runningTasksCount,
        int pendingTasksCount,
        @JsonInclude(content = JsonInclude.Include.ALWAYS) Map<String, String> agentAttributes,
        @JsonInclude(content = JsonInclude.Include.ALWAYS) Map<String, String> customAttributes,
        List<Tag> tags,
        String hostIp,
        long registeredAtMillis,
        long lastSeenMillis,
        String secretHash,
        long desiredVersion,
        long highestEventSeq,
        RuntimeHealth runtime) {

    /** What ECS reports as versionInfo. */
    public record VersionInfo(String agentVersion, String agentHash, String dockerVersion) {}

    /**
     * ECS's CONTAINER_RUNTIME health check as the agent reports it with each poll.
     *
     * @param status {@code OK} or {@code IMPAIRED}
     * @param lastUpdatedMillis the last report
     * @param lastStatusChangeMillis the report that changed the status
     */
    public record RuntimeHealth(String status, long lastUpdatedMillis, long lastStatusChangeMillis) {
        public static final String OK = "OK";
        public static final String IMPAIRED = "IMPAIRED";
    }

    /** CPU units, MiB of memory, and the reserved TCP and UDP host ports. */
    public record Resources(int cpu, int memory, List<String> ports, List<String> portsUdp) {
        public Resources {
            ports = ports == null ? List.of() : List.copyOf(ports);
            portsUdp = portsUdp == null ? List.of() : List.copyOf(portsUdp);
        }
    }

    public StoredContainerInstance {
        agentAttributes = agentAttributes == null ? Map.of() : new TreeMap<>(agentAttributes);
        customAttributes = customAttributes == null ? Map.of() : new TreeMap<>(customAttributes);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    public String key() {
        return cluster + "/" + id;
    }

    /** Every attribute, agent ones first overridden by custom ones of the same name, sorted by name. */
    public Map<String, String> attributes() {
        Map<String, String> all = new TreeMap<>(agentAttributes);
        all.putAll(customAttributes);
        return all;
    }

    /** True if the agent has polled within {@code timeoutMillis} of {@code nowMillis} and the instance is not gone. */
    public boolean agentConnected(long nowMillis, long timeoutMillis) {
        return status != InstanceStatus.INACTIVE && nowMillis - lastSeenMillis <= timeoutMillis;
    }

    public StoredContainerInstance withStatus(InstanceStatus s, String reason) {
        return new StoredContainerInstance(
                cluster,
                id,
                ec2InstanceId,
                s,
                reason,
                version + 1,
                versionInfo,
                registered,
                remaining,
                runningTasksCount,
                pendingTasksCount,
                agentAttributes,
                customAttributes,
                tags,
                hostIp,
                registeredAtMillis,
                lastSeenMillis,
                secretHash,
                desiredVersion + 1,
                highestEventSeq,
                runtime);
    }

    public StoredContainerInstance withCustomAttributes(Map<String, String> attrs) {
        return new StoredContainerInstance(
                cluster,
                id,
                ec2InstanceId,
                status,
                statusReason,
                version + 1,
                versionInfo,
                registered,
                remaining,
                runningTasksCount,
                pendingTasksCount,
                agentAttributes,
                attrs,
                tags,
                hostIp,
                registeredAtMillis,
                lastSeenMillis,
                secretHash,
                desiredVersion,
                highestEventSeq,
                runtime);
    }

    public StoredContainerInstance withTags(List<Tag> t) {
        return new StoredContainerInstance(
                cluster,
                id,
                ec2InstanceId,
                status,
                statusReason,
                version,
                versionInfo,
                registered,
                remaining,
                runningTasksCount,
                pendingTasksCount,
                agentAttributes,
                customAttributes,
                t,
                hostIp,
                registeredAtMillis,
                lastSeenMillis,
                secretHash,
                desiredVersion,
                highestEventSeq,
                runtime);
    }

    public StoredContainerInstance withLastSeen(long millis) {
        return new StoredContainerInstance(
                cluster,
                id,
                ec2InstanceId,
                status,
                statusReason,
                version,
                versionInfo,
                registered,
                remaining,
                runningTasksCount,
                pendingTasksCount,
                agentAttributes,
                customAttributes,
                tags,
                hostIp,
                registeredAtMillis,
                millis,
                secretHash,
                desiredVersion,
                highestEventSeq,
                runtime);
    }

    /**
     * The instance with its agent's runtime report of {@code nowMillis} recorded; {@code status} null
     * (an agent that does not report) leaves it as it was. A changed status is a visible change (version + 1).
     */
    public StoredContainerInstance withRuntime(String status, long nowMillis) {
        if (status == null) {
            return this;
        }
        boolean changed = runtime == null || !runtime.status().equals(status);
        RuntimeHealth r = new RuntimeHealth(status, nowMillis, changed ? nowMillis : runtime.lastStatusChangeMillis());
        return new StoredContainerInstance(
                cluster,
                id,
                ec2InstanceId,
                status(),
                statusReason,
                changed ? version + 1 : version,
                versionInfo,
                registered,
                remaining,
                runningTasksCount,
                pendingTasksCount,
                agentAttributes,
                customAttributes,
                tags,
                hostIp,
                registeredAtMillis,
                lastSeenMillis,
                secretHash,
                desiredVersion,
                highestEventSeq,
                r);
    }

    /** False only while the agent reports its container runtime impaired. */
    public boolean runtimeHealthy() {
        return runtime == null || !RuntimeHealth.IMPAIRED.equals(runtime.status());
    }

    public StoredContainerInstance withVersionInfo(VersionInfo v, long highestSeq) {
        return new StoredContainerInstance(
                cluster,
                id,
                ec2InstanceId,
                status,
                statusReason,
                v.equals(versionInfo) ? version : version + 1,
                v,
                registered,
                remaining,
                runningTasksCount,
                pendingTasksCount,
                agentAttributes,
                customAttributes,
                tags,
                hostIp,
                registeredAtMillis,
                lastSeenMillis,
                secretHash,
                desiredVersion,
                highestSeq,
                runtime);
    }

    /**
     * The same instance as re-registered by its agent after a restart: new resources, agent
     * attributes, version info and host IP; ARN, status, custom attributes, tags and counters kept.
     */
    public StoredContainerInstance reregistered(
            Resources res, Map<String, String> agentAttrs, VersionInfo v, String ip, long nowMillis) {
        return new StoredContainerInstance(
                cluster,
                id,
                ec2InstanceId,
                status,
                statusReason,
                version + 1,
                v,
                res,
                keepingReservations(res),
                runningTasksCount,
                pendingTasksCount,
                agentAttrs,
                customAttributes,
                tags,
                ip,
                registeredAtMillis,
                nowMillis,
                secretHash,
                desiredVersion,
                highestEventSeq,
                runtime);
    }

    /**
     * What remains of {@code newRegistered} once the reservations of the tasks still placed here are
     * taken again: the CPU and memory in use (registered minus remaining) and the host ports the
     * tasks hold (remaining minus the registered reserved ports). An agent re-registers while its
     * tasks run (a restart that adopts them, a Docker Engine that appears or is upgraded), and the
     * instance must not then offer their resources a second time.
     */
    Resources keepingReservations(Resources newRegistered) {
        List<String> tcp = new java.util.ArrayList<>(newRegistered.ports());
        tcp.addAll(held(remaining.ports(), registered.ports()));
        List<String> udp = new java.util.ArrayList<>(newRegistered.portsUdp());
        udp.addAll(held(remaining.portsUdp(), registered.portsUdp()));
        return new Resources(
                newRegistered.cpu() - (registered.cpu() - remaining.cpu()),
                newRegistered.memory() - (registered.memory() - remaining.memory()),
                tcp,
                udp);
    }

    /** The ports in {@code remaining} beyond the instance's reserved ones: those its tasks hold. */
    private static List<String> held(List<String> remaining, List<String> reserved) {
        List<String> held = new java.util.ArrayList<>(remaining);
        reserved.forEach(held::remove);
        return held;
    }

    /**
     * The instance after a task change: new remaining resources and task counts; {@code desiredChanged}
     * moves the agent protocol's index (a task to start or stop) as well as ECS's version.
     */
    public StoredContainerInstance withTaskAccounting(
            Resources newRemaining, int running, int pending, boolean desiredChanged) {
        return new StoredContainerInstance(
                cluster,
                id,
                ec2InstanceId,
                status,
                statusReason,
                version + 1,
                versionInfo,
                registered,
                newRemaining,
                running,
                pending,
                agentAttributes,
                customAttributes,
                tags,
                hostIp,
                registeredAtMillis,
                lastSeenMillis,
                secretHash,
                desiredChanged ? desiredVersion + 1 : desiredVersion,
                highestEventSeq,
                runtime);
    }

    /** The instance with a new highest applied event sequence number. */
    public StoredContainerInstance withHighestEventSeq(long seq) {
        return new StoredContainerInstance(
                cluster,
                id,
                ec2InstanceId,
                status,
                statusReason,
                version,
                versionInfo,
                registered,
                remaining,
                runningTasksCount,
                pendingTasksCount,
                agentAttributes,
                customAttributes,
                tags,
                hostIp,
                registeredAtMillis,
                lastSeenMillis,
                secretHash,
                desiredVersion,
                seq,
                runtime);
    }
}
