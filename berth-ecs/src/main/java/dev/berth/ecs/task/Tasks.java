package dev.berth.ecs.task;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.ecs.ClusterScopedIds;
import dev.berth.ecs.Kinds;
import dev.berth.ecs.instance.StoredContainerInstance;
import dev.berth.ecs.tags.TagRules;
import dev.berth.model.Platform;
import dev.berth.store.Documents;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What every task handler needs, API side and agent side alike: ARNs and references, reading and
 * writing task documents together with the per-instance index of live tasks (kind
 * {@code task-live}, key {@code <cluster>/<instanceId>/<taskId>}), the instance's resource and
 * count accounting, ECS's JSON rendering, and the desired tasks a long-poll hands an agent.
 *
 * <p>Accounting invariant: a task holds its reservation on its instance from creation until it is
 * STOPPED, and counts as pending or running by {@link TaskLifecycle#bucket()}; {@link #write} is the
 * one place that moves counts and resources, so they cannot drift apart from the tasks. Stateless;
 * methods run inside the caller's transaction.
 */
public final class Tasks {

    /** Kind of the per-instance index of tasks that are not STOPPED yet. */
    public static final String LIVE = "task-live";

    private final Documents docs;
    private final Platform platform;
    private final Clock clock;

    public Tasks(Documents docs, Platform platform, Clock clock) {
        this.docs = docs;
        this.platform = platform;
        this.clock = clock;
    }

    public Documents docs() {
        return docs;
    }

    public Clock clock() {
        return clock;
    }

    public String arnOf(String cluster, String id) {
        return platform.arn("ecs", "task/" + cluster + "/" + id).toString();
    }

    public String instanceArnOf(String cluster, String id) {
        return platform.arn("ecs", "container-instance/" + cluster + "/" + id).toString();
    }

    /** The task id a reference (32-hex id or task ARN of this account, region and cluster) names. */
    public Optional<String> resolve(String cluster, String reference) {
        return ClusterScopedIds.resolve(platform, "task", cluster, reference);
    }

    public Optional<StoredTask> find(Transaction tx, String cluster, String id) {
        return docs.get(tx, Kinds.TASK, cluster + "/" + id, StoredTask.class);
    }

    public Optional<StoredTask> lock(Transaction tx, String cluster, String id) {
        return docs.getForUpdate(tx, Kinds.TASK, cluster + "/" + id, StoredTask.class);
    }

    /** Stores a new task, indexes it on its instance and takes its reservation; returns the instance to store. */
    public StoredContainerInstance create(Transaction tx, StoredContainerInstance ci, StoredTask task) {
        if (!docs.insert(tx, Kinds.TASK, task.key(), task)) {
            throw new IllegalStateException("task id collision: " + task.key());
        }
        docs.put(tx, LIVE, task.liveKey(), new LiveTask(task.id(), task.group()));
        StoredTask.Reservation r = task.reservation();
        List<String> tcp = new ArrayList<>(ci.remaining().ports());
        List<String> udp = new ArrayList<>(ci.remaining().portsUdp());
        r.tcpPorts().forEach(p -> tcp.add(String.valueOf(p)));
        r.udpPorts().forEach(p -> udp.add(String.valueOf(p)));
        var remaining = new StoredContainerInstance.Resources(
                ci.remaining().cpu() - r.cpu(), ci.remaining().memory() - r.memory(), tcp, udp);
        return ci.withTaskAccounting(remaining, ci.runningTasksCount(), ci.pendingTasksCount() + 1, true);
    }

    /**
     * Stores {@code after} in place of {@code before} (same task) and moves the instance's counts; a task
     * reaching STOPPED gives its reservation back and leaves the live index. {@code ci} may be null
     * when the instance is gone (nothing to account). Returns the instance to store.
     */
    public StoredContainerInstance write(
            Transaction tx, StoredContainerInstance ci, StoredTask before, StoredTask after, boolean desiredChanged) {
        StoredTask stored = after;
        StoredContainerInstance out = ci;
        if (after.lastStatus() == TaskLifecycle.STOPPED && !after.released()) {
            stored = after.withReleased();
            tx.delete(LIVE, after.liveKey());
        }
        docs.put(tx, Kinds.TASK, stored.key(), stored);
        if (ci == null) {
            return null;
        }
        int running = ci.runningTasksCount();
        int pending = ci.pendingTasksCount();
        if (!before.released()) {
            running -= before.lastStatus().bucket() == TaskLifecycle.Bucket.RUNNING ? 1 : 0;
            pending -= before.lastStatus().bucket() == TaskLifecycle.Bucket.PENDING ? 1 : 0;
            running += after.lastStatus().bucket() == TaskLifecycle.Bucket.RUNNING ? 1 : 0;
            pending += after.lastStatus().bucket() == TaskLifecycle.Bucket.PENDING ? 1 : 0;
        }
        var remaining = ci.remaining();
        if (stored.released() && !before.released()) {
            StoredTask.Reservation r = before.reservation();
            List<String> tcp = new ArrayList<>(remaining.ports());
            List<String> udp = new ArrayList<>(remaining.portsUdp());
            r.tcpPorts().forEach(p -> tcp.remove(String.valueOf(p)));
            r.udpPorts().forEach(p -> udp.remove(String.valueOf(p)));
            remaining = new StoredContainerInstance.Resources(
                    remaining.cpu() + r.cpu(), remaining.memory() + r.memory(), tcp, udp);
        }
        if (running == ci.runningTasksCount()
                && pending == ci.pendingTasksCount()
                && remaining.equals(ci.remaining())
                && !desiredChanged) {
            return ci;
        }
        return ci.withTaskAccounting(remaining, Math.max(0, running), Math.max(0, pending), desiredChanged);
    }

    /** One entry of the live index: which task, in which group (for spread and distinctInstance). */
    public record LiveTask(String id, String group) {}

    /** The live (not STOPPED) tasks of an instance. */
    public List<StoredTask> liveOn(Transaction tx, String cluster, String instanceId) {
        List<StoredTask> out = new ArrayList<>();
        StorePages.forEach(tx, LIVE, cluster + "/" + instanceId + "/", e -> {
            LiveTask lt = docs.read(e, LiveTask.class);
            find(tx, cluster, lt.id()).ifPresent(out::add);
        });
        return out;
    }

    /**
     * The {@code tasks} of a long-poll answer: every live task of the instance with its spec and desired
     * status, RUNNING for a task whose stop is held while its load balancer targets drain.
     */
    public ArrayNode desiredFor(Transaction tx, String cluster, String instanceId) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        long now = clock.millis();
        for (StoredTask t : liveOn(tx, cluster, instanceId)) {
            TaskLifecycle desired = t.agentDesiredStatus(now);
            ObjectNode n =
                    out.addObject().put("taskArn", arnOf(t.cluster(), t.id())).put("desiredStatus", desired.name());
            if (t.stopCode() != null && desired == TaskLifecycle.STOPPED) {
                n.put("stopCode", t.stopCode());
            }
            if (t.stoppedReason() != null && desired == TaskLifecycle.STOPPED) {
                n.put("stoppedReason", t.stoppedReason());
            }
            n.set("spec", t.spec());
        }
        return out;
    }

    /** The task as ECS's Task structure. */
    public ObjectNode render(StoredTask t, boolean withTags) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        String arn = arnOf(t.cluster(), t.id());
        n.putArray("attachments");
        ArrayNode attributes = n.putArray("attributes");
        if (t.host() != null && t.host().cpuArchitecture() != null) {
            attributes
                    .addObject()
                    .put("name", "ecs.cpu-architecture")
                    .put("value", t.host().cpuArchitecture());
        }
        if (t.host() != null) {
            putIf(n, "availabilityZone", t.host().availabilityZone());
        }
        n.put("clusterArn", platform.arn("ecs", "cluster/" + t.cluster()).toString());
        n.put("connectivity", t.times().connectivityAt() == null ? "DISCONNECTED" : "CONNECTED");
        time(n, "connectivityAt", t.times().connectivityAt());
        n.put("containerInstanceArn", instanceArnOf(t.cluster(), t.containerInstanceId()));
        ArrayNode containers = n.putArray("containers");
        for (StoredTask.TaskContainer c : t.containers()) {
            ObjectNode cn = containers.addObject();
            cn.put(
                    "containerArn",
                    platform.arn("ecs", "container/" + t.cluster() + "/" + t.id() + "/" + c.uuid())
                            .toString());
            cn.put("taskArn", arn).put("name", c.name()).put("image", c.image());
            putIf(cn, "imageDigest", c.imageDigest());
            putIf(cn, "runtimeId", c.runtimeId());
            cn.put("lastStatus", c.lastStatus());
            if (c.exitCode() != null) {
                cn.put("exitCode", c.exitCode());
            }
            putIf(cn, "reason", c.reason());
            ArrayNode nb = cn.putArray("networkBindings");
            c.networkBindings().forEach(b -> nb.addObject()
                    .put("bindIP", b.bindIP())
                    .put("containerPort", b.containerPort())
                    .put("hostPort", b.hostPort())
                    .put("protocol", b.protocol()));
            cn.putArray("networkInterfaces");
            cn.put("healthStatus", c.healthStatus());
            putIf(cn, "cpu", c.cpu());
            putIf(cn, "memory", c.memory());
            putIf(cn, "memoryReservation", c.memoryReservation());
        }
        putIf(n, "cpu", t.cpu());
        putIf(n, "memory", t.memory());
        time(n, "createdAt", t.times().createdAt());
        n.put("desiredStatus", t.desiredStatus().name());
        n.put("enableExecuteCommand", false);
        putIf(n, "group", t.group());
        n.put("healthStatus", t.healthStatus() == null ? "UNKNOWN" : t.healthStatus());
        n.put("lastStatus", t.lastStatus().name());
        n.put("launchType", "EC2");
        n.set("overrides", t.overrides());
        time(n, "pullStartedAt", t.times().pullStartedAt());
        time(n, "pullStoppedAt", t.times().pullStoppedAt());
        time(n, "startedAt", t.times().startedAt());
        putIf(n, "startedBy", t.startedBy());
        putIf(n, "stopCode", t.stopCode());
        time(n, "stoppedAt", t.times().stoppedAt());
        putIf(n, "stoppedReason", t.stoppedReason());
        time(n, "stoppingAt", t.times().stoppingAt());
        time(n, "executionStoppedAt", t.times().executionStoppedAt());
        n.set("tags", withTags ? TagRules.toJson(t.tags()) : JsonNodeFactory.instance.arrayNode());
        n.put("taskArn", arn);
        n.put("taskDefinitionArn", t.taskDefinitionArn());
        n.put("version", t.version());
        return n;
    }

    private static void putIf(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    private static void time(ObjectNode n, String field, Long millis) {
        if (millis != null) {
            n.put(field, BigDecimal.valueOf(millis).movePointLeft(3));
        }
    }
}
