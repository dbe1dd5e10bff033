package dev.berth.ecs.instance;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.ecs.ClusterScopedIds;
import dev.berth.ecs.Kinds;
import dev.berth.ecs.tags.TagRules;
import dev.berth.model.Platform;
import dev.berth.scheduler.ContainerInstance;
import dev.berth.store.Documents;
import dev.berth.store.Transaction;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every container instance handler needs: ARNs, resolving a reference (id or ARN) within a
 * cluster, reading an instance whether registered or deregistered, ECS's JSON rendering, and the
 * scheduler's view of an instance for Cluster Query Language filters.
 *
 * <p>Registered instances (ACTIVE, DRAINING) live under kind {@code container-instance}, so that
 * counting a cluster's instances is a key-prefix count; deregistered ones move to
 * {@code container-instance-inactive}, where DescribeContainerInstances still finds them and their
 * agent is told it is gone. Stateless apart from its collaborators; safe to share between threads.
 */
public final class ContainerInstances {

    private final Documents docs;
    private final Platform platform;
    private final Clock clock;
    private final Duration heartbeatTimeout;

    public ContainerInstances(Documents docs, Platform platform, Clock clock, Duration heartbeatTimeout) {
        this.docs = docs;
        this.platform = platform;
        this.clock = clock;
        this.heartbeatTimeout = heartbeatTimeout;
    }

    public Documents docs() {
        return docs;
    }

    public Platform platform() {
        return platform;
    }

    public Clock clock() {
        return clock;
    }

    public Duration heartbeatTimeout() {
        return heartbeatTimeout;
    }

    public String arnOf(String cluster, String id) {
        return platform.arn("ecs", "container-instance/" + cluster + "/" + id).toString();
    }

    public static boolean isId(String s) {
        return ClusterScopedIds.isId(s);
    }

    /**
     * The id a reference names in {@code cluster}: a 32-hex id, or an ARN of this account and region
     * whose cluster part (if any) is {@code cluster}. Empty for anything else.
     */
    public Optional<String> resolve(String cluster, String reference) {
        return ClusterScopedIds.resolve(platform, "container-instance", cluster, reference);
    }

    /** The registered (ACTIVE or DRAINING) instance, locked for update. */
    public Optional<StoredContainerInstance> lockRegistered(Transaction tx, String cluster, String id) {
        return docs.getForUpdate(tx, Kinds.CONTAINER_INSTANCE, cluster + "/" + id, StoredContainerInstance.class);
    }

    /** The instance, registered or deregistered. */
    public Optional<StoredContainerInstance> find(Transaction tx, String cluster, String id) {
        String key = cluster + "/" + id;
        Optional<StoredContainerInstance> live =
                docs.get(tx, Kinds.CONTAINER_INSTANCE, key, StoredContainerInstance.class);
        return live.isPresent()
                ? live
                : docs.get(tx, Kinds.INACTIVE_CONTAINER_INSTANCE, key, StoredContainerInstance.class);
    }

    public boolean connected(StoredContainerInstance ci) {
        return ci.agentConnected(clock.millis(), heartbeatTimeout.toMillis());
    }

    /** The instance as ECS's ContainerInstance structure; tags only when asked for. */
    public ObjectNode render(StoredContainerInstance ci, boolean withTags) {
        return render(ci, withTags, false);
    }

    /** The instance as ECS's ContainerInstance structure; tags and health (CONTAINER_INSTANCE_HEALTH) only when asked for. */
    public ObjectNode render(StoredContainerInstance ci, boolean withTags, boolean withHealth) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("containerInstanceArn", arnOf(ci.cluster(), ci.id()));
        n.put("ec2InstanceId", ci.ec2InstanceId());
        n.put("version", ci.version());
        ObjectNode v = n.putObject("versionInfo");
        v.put("agentVersion", ci.versionInfo().agentVersion());
        v.put("agentHash", ci.versionInfo().agentHash());
        v.put("dockerVersion", ci.versionInfo().dockerVersion());
        resources(n.putArray("remainingResources"), ci.remaining());
        resources(n.putArray("registeredResources"), ci.registered());
        n.put("status", ci.status().name());
        if (ci.statusReason() != null) {
            n.put("statusReason", ci.statusReason());
        }
        n.put("agentConnected", connected(ci));
        n.put("runningTasksCount", ci.runningTasksCount());
        n.put("pendingTasksCount", ci.pendingTasksCount());
        ArrayNode attrs = n.putArray("attributes");
        ci.attributes().forEach((name, value) -> {
            ObjectNode a = attrs.addObject().put("name", name);
            if (value != null) {
                a.put("value", value);
            }
        });
        n.put("registeredAt", BigDecimal.valueOf(ci.registeredAtMillis()).movePointLeft(3));
        n.putArray("attachments");
        n.set("tags", withTags ? TagRules.toJson(ci.tags()) : JsonNodeFactory.instance.arrayNode());
        if (withHealth) {
            n.set("healthStatus", health(ci));
        }
        return n;
    }

    /**
     * ECS's ContainerInstanceHealthStatus: one CONTAINER_RUNTIME check from the agent's last report.
     * INSUFFICIENT_DATA before the first report and while the agent is disconnected (the report is stale).
     */
    private ObjectNode health(StoredContainerInstance ci) {
        ObjectNode h = JsonNodeFactory.instance.objectNode();
        StoredContainerInstance.RuntimeHealth r = ci.runtime();
        boolean current = r != null && connected(ci);
        h.put("overallStatus", current ? r.status() : "INSUFFICIENT_DATA");
        ArrayNode details = h.putArray("details");
        if (r != null) {
            details.addObject()
                    .put("type", "CONTAINER_RUNTIME")
                    .put("status", current ? r.status() : "INSUFFICIENT_DATA")
                    .put(
                            "lastUpdated",
                            BigDecimal.valueOf(r.lastUpdatedMillis()).movePointLeft(3))
                    .put(
                            "lastStatusChange",
                            BigDecimal.valueOf(r.lastStatusChangeMillis()).movePointLeft(3));
        }
        return h;
    }

    private static void resources(ArrayNode out, StoredContainerInstance.Resources r) {
        out.addObject()
                .put("name", "CPU")
                .put("type", "INTEGER")
                .put("doubleValue", 0.0)
                .put("longValue", 0)
                .put("integerValue", r.cpu());
        out.addObject()
                .put("name", "MEMORY")
                .put("type", "INTEGER")
                .put("doubleValue", 0.0)
                .put("longValue", 0)
                .put("integerValue", r.memory());
        stringSet(out.addObject().put("name", "PORTS"), r.ports());
        stringSet(out.addObject().put("name", "PORTS_UDP"), r.portsUdp());
    }

    private static void stringSet(ObjectNode res, List<String> values) {
        res.put("type", "STRINGSET").put("doubleValue", 0.0).put("longValue", 0).put("integerValue", 0);
        ArrayNode arr = res.putArray("stringSetValue");
        values.forEach(arr::add);
    }

    /** The scheduler's view of the instance, which the Cluster Query Language evaluates. */
    public ContainerInstance view(StoredContainerInstance ci) {
        Map<String, String> attrs = new java.util.HashMap<>();
        ci.attributes().forEach((k, val) -> attrs.put(k, val == null ? "" : val));
        return ContainerInstance.builder(arnOf(ci.cluster(), ci.id()))
                .ec2InstanceId(ci.ec2InstanceId())
                .status(ci.status())
                .agentConnected(connected(ci))
                .runtimeHealthy(ci.runtimeHealthy())
                .agentVersion(ci.versionInfo().agentVersion())
                .registeredAt(Instant.ofEpochMilli(ci.registeredAtMillis()))
                .registered(ci.registered().cpu(), ci.registered().memory())
                .remaining(ci.remaining().cpu(), ci.remaining().memory())
                .attributes(attrs)
                .build();
    }
}
