package dev.berth.ecs.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.ecs.Kinds;
import dev.berth.ecs.cluster.ClusterApi;
import dev.berth.ecs.instance.AttributeRules;
import dev.berth.ecs.instance.ContainerInstanceApi;
import dev.berth.ecs.instance.ContainerInstances;
import dev.berth.ecs.instance.InstanceNotifier;
import dev.berth.ecs.instance.StoredContainerInstance;
import dev.berth.ecs.task.StoredTask;
import dev.berth.ecs.task.TaskLifecycle;
import dev.berth.ecs.task.TaskReports;
import dev.berth.ecs.task.Tasks;
import dev.berth.scheduler.InstanceStatus;
import dev.berth.store.StateStore;
import dev.berth.store.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The server side of the agent protocol, without HTTP: registration, re-registration, heartbeat,
 * state-change reports and deregistration, each one store transaction. {@link AgentEndpoints} puts
 * it on the wire; tests call it directly.
 *
 * <p>Authentication: a new registration presents the join token ({@link JoinTokens}); everything
 * after presents the instance's own secret, checked against its stored SHA-256 in constant time.
 * The secret is checked before anything about the instance is revealed, so a wrong secret for a
 * deregistered instance is 403, not 410.
 *
 * <p>Methods block on the store: call them from virtual threads, never from an event loop.
 */
public final class AgentService {

    /** Event types an agent may report: its version info, and task state changes. */
    public static final List<String> EVENT_TYPES = List.of("versionInfo", "task");
    /** What a poll's {@code runtime} parameter may say about the agent's container runtime. */
    public static final List<String> RUNTIME_STATUSES =
            List.of(StoredContainerInstance.RuntimeHealth.OK, StoredContainerInstance.RuntimeHealth.IMPAIRED);

    private final StateStore store;
    private final ContainerInstances instances;
    private final ContainerInstanceApi instanceApi;
    private final ClusterApi clusters;
    private final JoinTokens joinTokens;
    private final InstanceNotifier notifier;
    private final Tasks tasks;
    private final TaskReports reports;
    private final TaskSecrets secrets;

    public AgentService(
            StateStore store,
            ContainerInstances instances,
            ContainerInstanceApi instanceApi,
            ClusterApi clusters,
            JoinTokens joinTokens,
            InstanceNotifier notifier,
            Tasks tasks) {
        this(store, instances, instanceApi, clusters, joinTokens, notifier, tasks, null);
    }

    /** @param secrets resolves tasks' secrets and registry logins; null when this server has none (tests) */
    public AgentService(
            StateStore store,
            ContainerInstances instances,
            ContainerInstanceApi instanceApi,
            ClusterApi clusters,
            JoinTokens joinTokens,
            InstanceNotifier notifier,
            Tasks tasks,
            TaskSecrets secrets) {
        this.secrets = secrets;
        this.tasks = tasks;
        this.reports = new TaskReports(tasks);
        this.store = store;
        this.instances = instances;
        this.instanceApi = instanceApi;
        this.clusters = clusters;
        this.joinTokens = joinTokens;
        this.notifier = notifier;
    }

    /** A registration's outcome; {@code secret} is only present for a new instance (it is never stored in clear). */
    public record Registered(StoredContainerInstance instance, String arn, String secret) {}

    /** The outcome of a state-change report: the highest sequence number applied, and which of this batch were new. */
    public record Reported(long highestSeq, List<Long> accepted, List<Long> duplicates) {}

    /** Told after commit about service task groups whose tasks changed, and clusters whose instances changed. */
    public interface Listener {
        void taskChanged(String cluster, String group);

        void instancesChanged(String cluster);
    }

    private volatile Listener listener = new Listener() {
        @Override
        public void taskChanged(String cluster, String group) {}

        @Override
        public void instancesChanged(String cluster) {}
    };

    public void listener(Listener l) {
        this.listener = l;
    }

    /** Seconds an agent should wait in one long-poll: a third of the heartbeat timeout, 1 to 20. */
    public int pollWaitSeconds() {
        return (int) Math.max(1, Math.min(20, instances.heartbeatTimeout().toSeconds() / 3));
    }

    public ContainerInstances instances() {
        return instances;
    }

    /** Registers a new container instance with the join token. */
    public Registered register(String joinToken, Registration registration) {
        if (!joinTokens.accepts(joinToken)) {
            throw AgentErrors.badJoinToken();
        }
        Registration r = withDefaults(registration);
        String secret = Secrets.generate();
        long now = instances.clock().millis();
        StoredContainerInstance ci = store.transact(tx -> {
            clusters.activeForRegistration(tx, r.cluster());
            String id = Secrets.hex(32);
            StoredContainerInstance fresh = new StoredContainerInstance(
                    r.cluster(),
                    id,
                    "i-" + Secrets.hex(17),
                    InstanceStatus.ACTIVE,
                    null,
                    1,
                    r.versionInfo(),
                    r.resources(),
                    r.resources(),
                    0,
                    0,
                    r.attributes(),
                    null,
                    null,
                    r.hostIp(),
                    now,
                    now,
                    Secrets.sha256Hex(secret),
                    1,
                    0,
                    null);
            if (!instances.docs().insert(tx, Kinds.CONTAINER_INSTANCE, fresh.key(), fresh)) {
                throw new IllegalStateException("container instance id collision: " + fresh.key());
            }
            return fresh;
        });
        listener.instancesChanged(ci.cluster());
        return new Registered(ci, instances.arnOf(ci.cluster(), ci.id()), secret);
    }

    /** Re-registers a known instance after its agent restarted: same ARN, new host facts. */
    public Registered reregister(String cluster, String id, String secret, Registration registration) {
        Registration r = withDefaults(registration);
        if (!r.cluster().equals(cluster)) {
            throw AgentErrors.invalid(
                    "The registration names cluster " + r.cluster() + " but the instance belongs to " + cluster + ".");
        }
        StoredContainerInstance ci = store.transact(tx -> {
            StoredContainerInstance current = authenticated(tx, cluster, id, secret);
            clusters.activeForRegistration(tx, cluster);
            AttributeRules.checkLimit(instances.arnOf(cluster, id), r.attributes(), current.customAttributes());
            StoredContainerInstance updated = current.reregistered(
                    r.resources(),
                    r.attributes(),
                    r.versionInfo(),
                    r.hostIp(),
                    instances.clock().millis());
            instances.docs().put(tx, Kinds.CONTAINER_INSTANCE, updated.key(), updated);
            return updated;
        });
        listener.instancesChanged(cluster);
        return new Registered(ci, instances.arnOf(cluster, id), null);
    }

    /** Fills in the attributes the server knows better than the agent: {@code ecs.availability-zone} = region + "a". */
    private Registration withDefaults(Registration r) {
        if (r.attributes().containsKey("ecs.availability-zone")) {
            return r;
        }
        java.util.Map<String, String> attrs = new java.util.LinkedHashMap<>(r.attributes());
        attrs.put("ecs.availability-zone", instances.platform().region() + "a");
        return new Registration(r.cluster(), r.hostIp(), r.resources(), attrs, r.versionInfo());
    }

    /** Authenticates a poll and records that the agent was seen now; returns the instance. */
    public StoredContainerInstance heartbeat(String cluster, String id, String secret) {
        return heartbeat(cluster, id, secret, null);
    }

    /**
     * Authenticates a poll and records that the agent was seen now, with its container runtime's
     * status ({@code OK}, {@code IMPAIRED}, or null when the agent does not say); returns the instance.
     */
    public StoredContainerInstance heartbeat(String cluster, String id, String secret, String runtime) {
        if (runtime != null && !RUNTIME_STATUSES.contains(runtime)) {
            throw AgentErrors.invalid("runtime must be one of " + RUNTIME_STATUSES + ".");
        }
        return store.transact(tx -> {
            long now = instances.clock().millis();
            StoredContainerInstance ci =
                    authenticated(tx, cluster, id, secret).withLastSeen(now).withRuntime(runtime, now);
            instances.docs().put(tx, Kinds.CONTAINER_INSTANCE, ci.key(), ci);
            return ci;
        });
    }

    /** The instance as it is now, for a poll that was woken or timed out (already authenticated); 410 if deregistered since. */
    public StoredContainerInstance current(String cluster, String id) {
        StoredContainerInstance ci =
                store.read(tx -> instances.find(tx, cluster, id)).orElseThrow(AgentErrors::badInstanceCredential);
        if (ci.status() == InstanceStatus.INACTIVE) {
            throw AgentErrors.inactive(instances.arnOf(cluster, id));
        }
        return ci;
    }

    /**
     * Applies a batch of state-change events {@code {"events":[{"seq":n,"type":...}, ...]}}. Sequence
     * numbers must increase within the batch; events at or below the highest applied one are
     * duplicates of a report whose answer the agent did not get, and are acknowledged without effect.
     * The batch is validated as a whole before anything is applied.
     */
    public Reported report(String cluster, String id, String secret, JsonNode body) {
        JsonNode events = body == null ? null : body.get("events");
        if (events == null || !events.isArray() || events.size() > 100) {
            throw AgentErrors.invalid("The body must be {\"events\": [...]} with at most 100 events.");
        }
        long previous = 0;
        for (JsonNode e : events) {
            JsonNode seq = e.get("seq");
            if (seq == null
                    || !seq.canConvertToLong()
                    || !seq.isIntegralNumber()
                    || seq.asLong() < 1
                    || seq.asLong() <= previous) {
                throw AgentErrors.invalid(
                        "Every event needs a seq, a positive integer greater than the previous event's.");
            }
            previous = seq.asLong();
            String type = e.path("type").asText("");
            if (!EVENT_TYPES.contains(type)) {
                throw AgentErrors.invalid(
                        "Unknown event type '" + type + "'; this server accepts " + EVENT_TYPES + ".");
            }
            if (type.equals("task")) {
                TaskReports.problem(e).ifPresent(p -> {
                    throw AgentErrors.invalid(p);
                });
            }
        }
        java.util.Set<String> groups = new java.util.LinkedHashSet<>();
        Reported done = store.transact(tx -> {
            groups.clear();
            StoredContainerInstance ci = authenticated(tx, cluster, id, secret);
            List<Long> accepted = new ArrayList<>();
            List<Long> duplicates = new ArrayList<>();
            for (JsonNode e : events) {
                long seq = e.get("seq").asLong();
                if (seq <= ci.highestEventSeq()) {
                    duplicates.add(seq);
                    continue;
                }
                if (e.path("type").asText().equals("task")) {
                    ci = reports.apply(tx, ci, e.get("task"), t -> groups.add(t.group() == null ? "" : t.group()))
                            .withHighestEventSeq(seq);
                    accepted.add(seq);
                    continue;
                }
                JsonNode v = e.path("versionInfo");
                StoredContainerInstance.VersionInfo info = new StoredContainerInstance.VersionInfo(
                        v.path("agentVersion").asText(ci.versionInfo().agentVersion()),
                        v.path("agentHash").asText(ci.versionInfo().agentHash()),
                        v.path("dockerVersion").asText(ci.versionInfo().dockerVersion()));
                ci = ci.withVersionInfo(info, seq);
                accepted.add(seq);
            }
            instances.docs().put(tx, Kinds.CONTAINER_INSTANCE, ci.key(), ci);
            return new Reported(ci.highestEventSeq(), accepted, duplicates);
        });
        groups.forEach(g -> listener.taskChanged(cluster, g));
        return done;
    }

    /**
     * The long-poll answer for an instance: its desired-state version and status, and every task it
     * should run or stop (those not STOPPED yet), each with its spec and desired status.
     */
    public ObjectNode desired(StoredContainerInstance ci) {
        ObjectNode out = instances
                .docs()
                .mapper()
                .createObjectNode()
                .put("version", ci.desiredVersion())
                .put("status", ci.status().name());
        java.util.Map<JsonNode, TaskLifecycle> needSecrets = new java.util.IdentityHashMap<>();
        com.fasterxml.jackson.databind.node.ArrayNode list = store.read(tx -> {
            needSecrets.clear();
            com.fasterxml.jackson.databind.node.ArrayNode desired = tasks.desiredFor(tx, ci.cluster(), ci.id());
            for (JsonNode t : desired) {
                JsonNode spec = t.get("spec");
                if (spec != null && spec.isObject() && TaskSecrets.needed(spec)) {
                    String arn = t.path("taskArn").asText();
                    needSecrets.put(
                            t,
                            tasks.find(tx, ci.cluster(), arn.substring(arn.lastIndexOf('/') + 1))
                                    .map(StoredTask::lastStatus)
                                    .orElse(null));
                }
            }
            return desired;
        });
        // values are read after the instance's read transaction: each secret store reads in its own
        java.util.Map<String, String> failed = new java.util.LinkedHashMap<>();
        needSecrets.forEach((entry, lastStatus) -> resolveSecrets((ObjectNode) entry, lastStatus, failed));
        if (!failed.isEmpty()) {
            failToStart(ci, failed);
            com.fasterxml.jackson.databind.node.ArrayNode kept = out.arrayNode();
            list.forEach(t -> {
                if (!failed.containsKey(t.path("taskArn").asText())) {
                    kept.add(t);
                }
            });
            list = kept;
        }
        out.set("tasks", list);
        ObjectNode auth = registryAuth.apply(ci);
        if (auth != null) {
            out.set("registryAuth", auth);
        }
        return out;
    }

    /**
     * Puts a task's resolved secrets into its long-poll entry while the task has not started
     * (lastStatus before RUNNING); an agent that runs it already gets the spec without references.
     * A task that cannot be resolved while still PROVISIONING is recorded in {@code failed}
     * (task ARN to stoppedReason).
     */
    private void resolveSecrets(ObjectNode entry, TaskLifecycle lastStatus, java.util.Map<String, String> failed) {
        JsonNode spec = entry.get("spec");
        String arn = entry.path("taskArn").asText();
        boolean starting = entry.path("desiredStatus").asText().equals("RUNNING")
                && lastStatus != null
                && lastStatus.compareTo(TaskLifecycle.RUNNING) < 0;
        if (!starting || secrets == null) {
            entry.set("spec", TaskSecrets.stripped((ObjectNode) spec));
            if (starting && lastStatus == TaskLifecycle.PROVISIONING) {
                failed.put(arn, TaskSecrets.REASON_PREFIX + "this server has no secret stores");
            }
            return;
        }
        try {
            entry.set("spec", secrets.resolve((ObjectNode) spec));
        } catch (TaskSecrets.Unresolvable e) {
            entry.set("spec", TaskSecrets.stripped((ObjectNode) spec));
            if (lastStatus == TaskLifecycle.PROVISIONING) {
                failed.put(arn, e.getMessage());
            }
        }
    }

    /** Marks tasks whose secrets could not be resolved STOPPED (TaskFailedToStart), freeing their reservations. */
    private void failToStart(StoredContainerInstance ci, java.util.Map<String, String> failed) {
        store.transact(tx -> {
            Optional<StoredContainerInstance> live = instances.lockRegistered(tx, ci.cluster(), ci.id());
            StoredContainerInstance current = live.orElse(null);
            long now = instances.clock().millis();
            for (var f : failed.entrySet()) {
                String id = f.getKey().substring(f.getKey().lastIndexOf('/') + 1);
                var t = tasks.lock(tx, ci.cluster(), id);
                if (t.isEmpty()
                        || t.get().lastStatus() != dev.berth.ecs.task.TaskLifecycle.PROVISIONING
                        || t.get().desiredStatus() == dev.berth.ecs.task.TaskLifecycle.STOPPED) {
                    continue;
                }
                current = tasks.write(
                        tx,
                        current,
                        t.get(),
                        t.get().stoppedWithoutAgent("TaskFailedToStart", f.getValue(), now),
                        false);
            }
            if (current != null) {
                instances.docs().put(tx, Kinds.CONTAINER_INSTANCE, current.key(), current);
            }
            return null;
        });
    }

    private volatile java.util.function.Function<StoredContainerInstance, ObjectNode> registryAuth = ci -> null;

    /**
     * Sets what every long-poll answer carries as {@code registryAuth}: the credentials an agent pulls
     * images of Berth's own registry with (a pull-only registry password scoped to the instance,
     * issued fresh on every answer so it never runs out while the agent is connected). The registry
     * module supplies it; this module does not know how registry passwords are made.
     */
    public void registryAuth(java.util.function.Function<StoredContainerInstance, ObjectNode> provider) {
        this.registryAuth = provider;
    }

    /** Deregisters the instance at its agent's request (agent shutdown with deregistration). */
    public StoredContainerInstance deregister(String cluster, String id, String secret) {
        StoredContainerInstance gone = store.transact(tx -> instanceApi.deregisterLocked(
                tx, authenticated(tx, cluster, id, secret), "Instance deregistered by its agent"));
        notifier.changed(gone.key());
        listener.instancesChanged(cluster);
        return gone;
    }

    /** The registered instance, locked, if {@code secret} is its credential; 403 or 410 otherwise. */
    private StoredContainerInstance authenticated(Transaction tx, String cluster, String id, String secret) {
        if (!ContainerInstances.isId(id)) {
            throw AgentErrors.badInstanceCredential();
        }
        Optional<StoredContainerInstance> live = instances.lockRegistered(tx, cluster, id);
        StoredContainerInstance ci =
                live.or(() -> instances.find(tx, cluster, id)).orElseThrow(AgentErrors::badInstanceCredential);
        if (!Secrets.matchesHash(secret, ci.secretHash())) {
            throw AgentErrors.badInstanceCredential();
        }
        if (live.isEmpty()) {
            throw AgentErrors.inactive(instances.arnOf(cluster, id));
        }
        return ci;
    }
}
