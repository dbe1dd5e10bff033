package dev.berth.ecs.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.ecs.DescribeCall;
import dev.berth.ecs.EcsErrors;
import dev.berth.ecs.Kinds;
import dev.berth.ecs.NextTokens;
import dev.berth.ecs.cluster.ClusterApi;
import dev.berth.ecs.instance.ContainerInstances;
import dev.berth.ecs.instance.InstanceNotifier;
import dev.berth.ecs.instance.StoredContainerInstance;
import dev.berth.ecs.tags.TagApi;
import dev.berth.model.arn.Arn;
import dev.berth.model.tag.Tag;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.store.StateStore;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The ECS task operations: RunTask and StartTask (delegated to {@link TaskLaunch}), StopTask,
 * DescribeTasks and ListTasks, plus tagging of task ARNs. StopTask only records the decision
 * (desiredStatus STOPPED, stopCode UserInitiated, stoppedReason) and wakes the task's agent, which
 * sends SIGTERM, then SIGKILL after the container's stopTimeout, and reports the task STOPPED.
 */
public final class TaskApi {

    public static final String USER_STOP_REASON = "Task stopped by user";

    private final StateStore store;
    private final Tasks tasks;
    private final ContainerInstances instances;
    private final ClusterApi clusters;
    private final InstanceNotifier notifier;
    private final TaskLaunch launch;

    public TaskApi(
            StateStore store,
            Tasks tasks,
            ContainerInstances instances,
            ClusterApi clusters,
            InstanceNotifier notifier,
            TaskLaunch launch) {
        this.store = store;
        this.tasks = tasks;
        this.instances = instances;
        this.clusters = clusters;
        this.notifier = notifier;
        this.launch = launch;
    }

    private volatile java.util.function.BiConsumer<String, String> onTaskChanged = (cluster, group) -> {};

    /** Told after commit about a task (cluster, group) a user stopped: the service scheduler replaces it. */
    public void onTaskChanged(java.util.function.BiConsumer<String, String> listener) {
        this.onTaskChanged = listener;
    }

    /**
     * Decides whether a stop must wait for load balancer draining: given the task (locked, about to be
     * stopped) returns until when its agent keeps it running, or null to stop it at once. The service
     * scheduler supplies it (a task registered in its service's target groups drains for the longest
     * deregistration delay of those groups).
     */
    @FunctionalInterface
    public interface DrainPolicy {
        Long drainUntil(Transaction tx, StoredTask task, long nowMillis);
    }

    private volatile DrainPolicy drainPolicy = (tx, t, now) -> null;

    public void drainPolicy(DrainPolicy policy) {
        this.drainPolicy = policy;
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("RunTask", launch::runTask);
        ops.put("StartTask", launch::startTask);
        ops.put("StopTask", this::stop);
        ops.put("DescribeTasks", this::describe);
        ops.put("ListTasks", this::list);
        return ops;
    }

    private JsonNode stop(CallContext call, ObjectNode in) {
        String reason = in.path("reason").asText(USER_STOP_REASON);
        if (reason.length() > 255) {
            throw EcsErrors.invalidParameter("reason can be at most 255 characters.");
        }
        String ref = in.path("task").asText(null);
        StoredTask stopped = store.transact(tx -> {
            String cluster =
                    clusters.requireActive(tx, in.path("cluster").asText(null)).name();
            String id = tasks.resolve(cluster, ref).orElseThrow(TaskApi::taskNotFound);
            StoredTask peek = tasks.find(tx, cluster, id).orElseThrow(TaskApi::taskNotFound);
            Long until = peek.desiredStatus() == TaskLifecycle.RUNNING && peek.lastStatus() == TaskLifecycle.RUNNING
                    ? drainPolicy.drainUntil(tx, peek, tasks.clock().millis())
                    : null;
            return stopTask(tx, cluster, id, "UserInitiated", reason, until);
        });
        notifier.changed(stopped.cluster() + "/" + stopped.containerInstanceId());
        onTaskChanged.accept(stopped.cluster(), stopped.group());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("task", tasks.render(stopped, false));
        return out;
    }

    private static RuntimeException taskNotFound() {
        return EcsErrors.invalidParameter("The referenced task was not found.");
    }

    /**
     * Records the stop decision of a task and bumps its instance's desired-state version (the caller
     * wakes the agent after commit). A task whose instance is no longer registered is marked STOPPED
     * at once: no agent will report it. Locks the instance before the task, the order the agent's
     * reports take, so a StopTask and a report never wait for each other in a cycle.
     */
    public StoredTask stopTask(Transaction tx, String cluster, String id, String code, String reason) {
        return stopTask(tx, cluster, id, code, reason, null);
    }

    /**
     * The same; with {@code drainUntil} set, a RUNNING task goes DEACTIVATING and its agent keeps it
     * running until then or until {@link #releaseDrain} (its load balancer targets drain first).
     */
    public StoredTask stopTask(Transaction tx, String cluster, String id, String code, String reason, Long drainUntil) {
        StoredTask peek = tasks.find(tx, cluster, id).orElseThrow(TaskApi::taskNotFound);
        Optional<StoredContainerInstance> ci = instances.lockRegistered(tx, cluster, peek.containerInstanceId());
        StoredTask t = tasks.lock(tx, cluster, id).orElseThrow(TaskApi::taskNotFound);
        if (t.desiredStatus() == TaskLifecycle.STOPPED) {
            return t;
        }
        long now = tasks.clock().millis();
        StoredTask after = ci.isEmpty()
                ? t.stoppedWithoutAgent(code, reason, now)
                : drainUntil != null && drainUntil > now
                        ? t.drainRequested(code, reason, now, drainUntil)
                        : t.stopRequested(code, reason, now);
        StoredContainerInstance updated = tasks.write(tx, ci.orElse(null), t, after, true);
        if (updated != null) {
            instances.docs().put(tx, Kinds.CONTAINER_INSTANCE, updated.key(), updated);
        }
        return after;
    }

    /**
     * Ends the drain of a task whose stop was held ({@link StoredTask#drainUntil}): its agent is told
     * STOPPED with the next desired-state version (the caller wakes it after commit). Returns the task,
     * or empty when there was nothing to release.
     */
    public Optional<StoredTask> releaseDrain(Transaction tx, String cluster, String id) {
        StoredTask peek = tasks.find(tx, cluster, id).orElse(null);
        if (peek == null || peek.drainUntil() == null) {
            return Optional.empty();
        }
        Optional<StoredContainerInstance> ci = instances.lockRegistered(tx, cluster, peek.containerInstanceId());
        StoredTask t = tasks.lock(tx, cluster, id).orElse(null);
        if (t == null || t.drainUntil() == null) {
            return Optional.empty();
        }
        StoredTask after = t.drainReleased();
        StoredContainerInstance updated = tasks.write(tx, ci.orElse(null), t, after, true);
        if (updated != null) {
            instances.docs().put(tx, Kinds.CONTAINER_INSTANCE, updated.key(), updated);
        }
        return Optional.of(after);
    }

    /** Marks every live task of an instance that is being deregistered STOPPED (DeregisterContainerInstance --force). */
    public void stopAllOnDeregistered(Transaction tx, StoredContainerInstance ci, String reason) {
        long now = tasks.clock().millis();
        for (StoredTask t : tasks.liveOn(tx, ci.cluster(), ci.id())) {
            StoredTask locked = tasks.lock(tx, t.cluster(), t.id()).orElse(t);
            tasks.write(tx, null, locked, locked.stoppedWithoutAgent("UserInitiated", reason, now), false);
        }
    }

    private JsonNode describe(CallContext call, ObjectNode in) {
        DescribeCall d =
                DescribeCall.parse(in, "tasks", "tasks", null, 100, "tasks must list 1 to 100 task ids or ARNs.");
        store.read(tx -> {
            String cluster =
                    clusters.requireActive(tx, in.path("cluster").asText(null)).name();
            for (String ref : d.refs()) {
                Optional<StoredTask> t = tasks.resolve(cluster, ref).flatMap(id -> tasks.find(tx, cluster, id));
                if (t.isPresent()) {
                    d.found().add(tasks.render(t.get(), d.include().contains("TAGS")));
                } else {
                    d.fail(dev.berth.ecs.ClusterScopedIds.isId(ref) ? tasks.arnOf(cluster, ref) : ref, "MISSING");
                }
            }
            return null;
        });
        return d.response();
    }

    private JsonNode list(CallContext call, ObjectNode in) {
        int max = NextTokens.maxResults(
                in.has("maxResults") ? in.get("maxResults").asInt() : null);
        String after = NextTokens.decode("ListTasks", in.path("nextToken").asText(null));
        String family = in.path("family").asText(null);
        String startedBy = in.path("startedBy").asText(null);
        String service = in.path("serviceName").asText(null);
        String launchType = in.path("launchType").asText(null);
        TaskLifecycle desired = TaskLifecycle.parse(in.path("desiredStatus").asText("RUNNING"));
        if (desired == null) {
            throw EcsErrors.invalidParameter("desiredStatus must be RUNNING, PENDING or STOPPED.");
        }
        String instanceRef = in.path("containerInstance").asText(null);
        if (startedBy != null) {
            for (String other : List.of("family", "containerInstance", "serviceName", "desiredStatus", "launchType")) {
                if (in.hasNonNull(other)) {
                    throw EcsErrors.invalidParameter("cannot specify startedBy with other arguments");
                }
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode arns = out.putArray("taskArns");
        StorePages.Listing<String> page = store.read(tx -> {
            String cluster =
                    clusters.requireActive(tx, in.path("cluster").asText(null)).name();
            String instanceId = instanceRef == null
                    ? null
                    : instances
                            .resolve(cluster, instanceRef)
                            .orElseThrow(() -> EcsErrors.invalidParameter("The referenced container instance "
                                    + instanceRef + " is not in cluster " + cluster + "."));
            return StorePages.list(tx, Kinds.TASK, Kinds.inCluster(cluster), after, max, e -> {
                StoredTask t = tasks.docs().read(e, StoredTask.class);
                boolean match = (instanceId == null || instanceId.equals(t.containerInstanceId()))
                        && (family == null || t.taskDefinitionArn().contains(":task-definition/" + family + ":"))
                        && (startedBy == null || startedBy.equals(t.startedBy()))
                        && (service == null || ("service:" + service).equals(t.group()))
                        && (launchType == null || launchType.equals("EC2"))
                        && desiredMatches(t, desired);
                return match ? Optional.of(tasks.arnOf(t.cluster(), t.id())) : Optional.empty();
            });
        });
        page.items().forEach(arns::add);
        if (page.resumeAfter() != null) {
            out.put("nextToken", NextTokens.encode("ListTasks", page.resumeAfter()));
        }
        return out;
    }

    /** ECS's desiredStatus filter: PENDING means desired RUNNING but not yet running. */
    private static boolean desiredMatches(StoredTask t, TaskLifecycle desired) {
        if (desired == TaskLifecycle.PENDING) {
            return t.desiredStatus() == TaskLifecycle.RUNNING
                    && t.lastStatus().bucket() == TaskLifecycle.Bucket.PENDING;
        }
        return t.desiredStatus() == desired;
    }

    /**
     * Deletes tasks that have been STOPPED for longer than {@code retention} (ECS keeps stopped tasks
     * describable for at least an hour); returns how many. One read scan, then one small transaction
     * per task, so a large history never holds a long write transaction.
     */
    public int purgeStopped(java.time.Duration retention) {
        long cutoff = tasks.clock().millis() - retention.toMillis();
        List<String> old = new ArrayList<>();
        store.read(tx -> {
            StorePages.forEach(tx, Kinds.TASK, "", e -> {
                StoredTask t = tasks.docs().read(e, StoredTask.class);
                Long at = t.times().stoppedAt();
                if (t.lastStatus() == TaskLifecycle.STOPPED && at != null && at < cutoff) {
                    old.add(e.key());
                }
            });
            return null;
        });
        for (String key : old) {
            store.transact(tx -> tx.delete(Kinds.TASK, key));
        }
        return old.size();
    }

    /** Tagging for task ARNs ({@code task/<cluster>/<id>}). */
    public TagApi.Taggable taggable() {
        return new TagApi.Taggable() {
            @Override
            public List<Tag> tags(Arn arn) {
                return store.read(tx -> found(tx, arn, false).tags());
            }

            @Override
            public void update(Arn arn, UnaryOperator<List<Tag>> change) {
                store.transact(tx -> {
                    StoredTask t = found(tx, arn, true);
                    tasks.docs().put(tx, Kinds.TASK, t.key(), t.withTags(change.apply(t.tags())));
                    return null;
                });
            }
        };
    }

    private StoredTask found(Transaction tx, Arn arn, boolean lock) {
        String rest = arn.resourceId();
        int slash = rest.indexOf('/');
        String cluster = slash < 0 ? "" : rest.substring(0, slash);
        return tasks.resolve(cluster, arn.toString())
                .flatMap(id -> lock ? tasks.lock(tx, cluster, id) : tasks.find(tx, cluster, id))
                .orElseThrow(() -> EcsErrors.invalidParameter("The specified task does not exist: " + arn + "."));
    }
}
