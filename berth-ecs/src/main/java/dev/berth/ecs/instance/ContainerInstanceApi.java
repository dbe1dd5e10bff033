package dev.berth.ecs.instance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.ecs.EcsErrors;
import dev.berth.ecs.Kinds;
import dev.berth.ecs.NextTokens;
import dev.berth.ecs.cluster.ClusterApi;
import dev.berth.ecs.tags.TagApi;
import dev.berth.model.arn.Arn;
import dev.berth.model.tag.Tag;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.scheduler.InstanceStatus;
import dev.berth.scheduler.cql.Cql;
import dev.berth.scheduler.cql.Expression;
import dev.berth.store.Entry;
import dev.berth.store.Page;
import dev.berth.store.StateStore;
import dev.berth.store.Transaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The ECS container instance operations users call: DescribeContainerInstances,
 * ListContainerInstances (status and Cluster Query Language filters; like ECS it never lists
 * INACTIVE instances, which DescribeContainerInstances still shows), UpdateContainerInstancesState
 * and DeregisterContainerInstance, plus tagging of container instance ARNs.
 *
 * <p>Registration is not here: agents register through the agent protocol ({@code AgentService}),
 * and ECS's own agent-facing operations (RegisterContainerInstance, SubmitContainerStateChange,
 * SubmitTaskStateChange, DiscoverPollEndpoint) stay unimplemented rather than half-faked.
 *
 * <p>Each call runs in one store transaction; status changes bump the instance's desired-state
 * version and, after commit, wake the instance's agent through {@link InstanceNotifier}.
 */
public final class ContainerInstanceApi {

    private final StateStore store;
    private final ContainerInstances instances;
    private final ClusterApi clusters;
    private final InstanceNotifier notifier;
    private volatile DeregistrationHook onDeregister = (tx, ci, reason) -> {};

    /** What else happens in the transaction that deregisters an instance: its tasks are stopped. */
    @FunctionalInterface
    public interface DeregistrationHook {
        void deregistering(Transaction tx, StoredContainerInstance instance, String reason);
    }

    /** Sets the hook (the task API, which is built after this class). */

    /** Told after commit which cluster's instances changed (joined, left, changed state): the service scheduler. */
    private volatile java.util.function.Consumer<String> onInstancesChanged = cluster -> {};

    public void onInstancesChanged(java.util.function.Consumer<String> listener) {
        this.onInstancesChanged = listener;
    }

    public void onDeregister(DeregistrationHook hook) {
        this.onDeregister = hook;
    }

    public ContainerInstanceApi(
            StateStore store, ContainerInstances instances, ClusterApi clusters, InstanceNotifier notifier) {
        this.store = store;
        this.instances = instances;
        this.clusters = clusters;
        this.notifier = notifier;
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("DescribeContainerInstances", this::describe);
        ops.put("ListContainerInstances", this::list);
        ops.put("UpdateContainerInstancesState", this::updateState);
        ops.put("DeregisterContainerInstance", this::deregister);
        return ops;
    }

    private JsonNode describe(CallContext call, ObjectNode in) {
        List<String> refs = strings(in.get("containerInstances"));
        if (refs.isEmpty() || refs.size() > 100) {
            throw EcsErrors.invalidParameter("containerInstances must list 1 to 100 container instance ids or ARNs.");
        }
        Set<String> include = new LinkedHashSet<>(strings(in.get("include")));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode found = out.putArray("containerInstances");
        ArrayNode failures = out.putArray("failures");
        store.read(tx -> {
            String cluster =
                    clusters.requireActive(tx, in.path("cluster").asText(null)).name();
            for (String ref : refs) {
                Optional<StoredContainerInstance> ci =
                        instances.resolve(cluster, ref).flatMap(id -> instances.find(tx, cluster, id));
                if (ci.isPresent()) {
                    found.add(instances.render(
                            ci.get(), include.contains("TAGS"), include.contains("CONTAINER_INSTANCE_HEALTH")));
                } else {
                    failures.addObject().put("arn", failureArn(cluster, ref)).put("reason", "MISSING");
                }
            }
            return null;
        });
        return out;
    }

    private JsonNode list(CallContext call, ObjectNode in) {
        int max = NextTokens.maxResults(
                in.has("maxResults") ? in.get("maxResults").asInt() : null);
        String after =
                NextTokens.decode("ListContainerInstances", in.path("nextToken").asText(null));
        Expression filter = in.hasNonNull("filter") ? Cql.parse(in.get("filter").asText()) : null;
        InstanceStatus status = in.hasNonNull("status")
                ? InstanceStatus.valueOf(in.get("status").asText())
                : null;
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode arns = out.putArray("containerInstanceArns");
        String next = store.read(tx -> {
            String cluster =
                    clusters.requireActive(tx, in.path("cluster").asText(null)).name();
            String prefix = Kinds.inCluster(cluster);
            String cursor = after;
            while (true) {
                Page page = tx.scan(Kinds.CONTAINER_INSTANCE, prefix, cursor, 100);
                List<Entry> entries = page.entries();
                for (int i = 0; i < entries.size(); i++) {
                    StoredContainerInstance ci = instances.docs().read(entries.get(i), StoredContainerInstance.class);
                    if ((status == null || ci.status() == status)
                            && (filter == null || filter.matches(instances.view(ci)))) {
                        arns.add(instances.arnOf(ci.cluster(), ci.id()));
                    }
                    cursor = entries.get(i).key();
                    if (arns.size() >= max) {
                        return i < entries.size() - 1 || page.hasMore() ? cursor : null;
                    }
                }
                if (!page.hasMore()) {
                    return null;
                }
            }
        });
        if (next != null) {
            out.put("nextToken", NextTokens.encode("ListContainerInstances", next));
        }
        return out;
    }

    private JsonNode updateState(CallContext call, ObjectNode in) {
        List<String> refs = strings(in.get("containerInstances"));
        if (refs.isEmpty() || refs.size() > 10) {
            throw EcsErrors.invalidParameter("containerInstances must list 1 to 10 container instance ids or ARNs.");
        }
        InstanceStatus target = InstanceStatus.valueOf(in.path("status").asText());
        if (target != InstanceStatus.ACTIVE && target != InstanceStatus.DRAINING) {
            throw EcsErrors.invalidParameter("Container instances can only be updated to ACTIVE or DRAINING.");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode updated = out.putArray("containerInstances");
        ArrayNode failures = out.putArray("failures");
        List<StoredContainerInstance> changed = store.transact(tx -> {
            updated.removeAll();
            failures.removeAll();
            List<StoredContainerInstance> written = new ArrayList<>();
            String cluster =
                    clusters.requireActive(tx, in.path("cluster").asText(null)).name();
            for (String ref : refs) {
                Optional<String> id = instances.resolve(cluster, ref);
                Optional<StoredContainerInstance> ci = id.flatMap(i -> instances.lockRegistered(tx, cluster, i));
                if (ci.isEmpty()) {
                    boolean gone =
                            id.flatMap(i -> instances.find(tx, cluster, i)).isPresent();
                    failures.addObject()
                            .put("arn", failureArn(cluster, ref))
                            .put("reason", gone ? "INACTIVE" : "MISSING");
                    continue;
                }
                StoredContainerInstance c = ci.get();
                if (!InstanceLifecycle.allowed(c.status(), target)) {
                    failures.addObject()
                            .put("arn", failureArn(cluster, ref))
                            .put("reason", c.status().name())
                            .put(
                                    "detail",
                                    "A container instance in " + c.status() + " cannot be set to " + target + ".");
                    continue;
                }
                if (c.status() != target) {
                    c = c.withStatus(target, null);
                    instances.docs().put(tx, Kinds.CONTAINER_INSTANCE, c.key(), c);
                    written.add(c);
                }
                updated.add(instances.render(c, false));
            }
            return written;
        });
        changed.forEach(c -> notifier.changed(c.key()));
        changed.stream().map(StoredContainerInstance::cluster).distinct().forEach(onInstancesChanged);
        return out;
    }

    private JsonNode deregister(CallContext call, ObjectNode in) {
        boolean force = in.path("force").asBoolean(false);
        String ref = in.path("containerInstance").asText(null);
        StoredContainerInstance gone = store.transact(tx -> {
            String cluster =
                    clusters.requireActive(tx, in.path("cluster").asText(null)).name();
            StoredContainerInstance c = instances
                    .resolve(cluster, ref)
                    .flatMap(i -> instances.lockRegistered(tx, cluster, i))
                    .orElseThrow(() -> EcsErrors.invalidParameter("The referenced container instance " + ref
                            + " is not registered in cluster " + cluster + "."));
            if (!force && c.runningTasksCount() + c.pendingTasksCount() > 0) {
                throw EcsErrors.invalidParameter("Found running tasks on the instance.");
            }
            return deregisterLocked(tx, c, "Instance deregistered by API");
        });
        notifier.changed(gone.key());
        onInstancesChanged.accept(gone.cluster());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("containerInstance", instances.render(gone, false));
        return out;
    }

    /**
     * Moves a locked, registered instance to INACTIVE: out of the registered kind (the cluster no
     * longer counts it), into the inactive kind. The caller wakes the agent after commit.
     */
    /** The instances-changed listener, for callers that deregister through {@link #deregisterLocked}. */
    public void instancesChanged(String cluster) {
        onInstancesChanged.accept(cluster);
    }

    public StoredContainerInstance deregisterLocked(Transaction tx, StoredContainerInstance c, String reason) {
        onDeregister.deregistering(tx, c, reason);
        StoredContainerInstance gone = c.withStatus(InstanceStatus.INACTIVE, reason);
        tx.delete(Kinds.CONTAINER_INSTANCE, c.key());
        instances.docs().put(tx, Kinds.INACTIVE_CONTAINER_INSTANCE, c.key(), gone);
        return gone;
    }

    /** Tagging for container instance ARNs ({@code container-instance/<cluster>/<id>}). */
    public TagApi.Taggable taggable() {
        return new TagApi.Taggable() {
            @Override
            public List<Tag> tags(Arn arn) {
                return store.read(tx -> {
                    String[] ci = clusterAndId(arn);
                    return instances
                            .find(tx, ci[0], ci[1])
                            .orElseThrow(() -> notFound(arn))
                            .tags();
                });
            }

            @Override
            public void update(Arn arn, UnaryOperator<List<Tag>> change) {
                store.transact(tx -> {
                    String[] ci = clusterAndId(arn);
                    StoredContainerInstance c =
                            instances.lockRegistered(tx, ci[0], ci[1]).orElseThrow(() -> notFound(arn));
                    instances.docs().put(tx, Kinds.CONTAINER_INSTANCE, c.key(), c.withTags(change.apply(c.tags())));
                    return null;
                });
            }
        };
    }

    private String[] clusterAndId(Arn arn) {
        String rest = arn.resourceId();
        int slash = rest.indexOf('/');
        if (slash < 0
                || instances.resolve(rest.substring(0, slash), arn.toString()).isEmpty()) {
            throw notFound(arn);
        }
        return new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }

    private static RuntimeException notFound(Arn arn) {
        return EcsErrors.invalidParameter("The specified container instance does not exist: " + arn + ".");
    }

    private String failureArn(String cluster, String ref) {
        return ContainerInstances.isId(ref) ? instances.arnOf(cluster, ref) : ref;
    }

    static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node != null) {
            node.forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}
