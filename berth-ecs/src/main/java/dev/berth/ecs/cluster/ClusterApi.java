package dev.berth.ecs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.ecs.DescribeCall;
import dev.berth.ecs.EcsErrors;
import dev.berth.ecs.Kinds;
import dev.berth.ecs.NextTokens;
import dev.berth.ecs.tags.TagApi;
import dev.berth.ecs.tags.TagRules;
import dev.berth.model.Platform;
import dev.berth.model.arn.Arn;
import dev.berth.model.error.AwsException;
import dev.berth.model.tag.Tag;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The ECS cluster operations: CreateCluster, DescribeClusters, ListClusters, UpdateCluster,
 * UpdateClusterSettings, PutClusterCapacityProviders and DeleteCluster.
 *
 * <p>Each operation validates, then reads and writes the store in one transaction. A deleted
 * cluster stays in the store as {@code INACTIVE} (DescribeClusters still shows it, ListClusters
 * does not, CreateCluster with its name makes it ACTIVE again), as ECS behaves.
 */
public final class ClusterApi {

    public static final String DEFAULT_CLUSTER = "default";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");
    private static final Set<String> BUILT_IN_PROVIDERS = Set.of("FARGATE", "FARGATE_SPOT");

    private final StateStore store;
    private final Documents docs;
    private final Platform platform;
    private final Clock clock;
    private final ClusterActivity activity;

    public ClusterApi(StateStore store, Documents docs, Platform platform, Clock clock, ClusterActivity activity) {
        this.store = store;
        this.docs = docs;
        this.platform = platform;
        this.clock = clock;
        this.activity = activity;
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("CreateCluster", this::create);
        ops.put("DescribeClusters", this::describe);
        ops.put("ListClusters", this::list);
        ops.put("UpdateCluster", this::update);
        ops.put("UpdateClusterSettings", this::updateSettings);
        ops.put("PutClusterCapacityProviders", this::putCapacityProviders);
        ops.put("DeleteCluster", this::delete);
        return ops;
    }

    /** The name a cluster reference (name or ARN; null = default) stands for, or ClusterNotFound for a foreign ARN. */
    public String nameOf(String reference) {
        if (reference == null || reference.isEmpty()) {
            return DEFAULT_CLUSTER;
        }
        if (reference.startsWith("arn:")) {
            Arn arn = Arn.parse(reference).orElseThrow(EcsErrors::clusterNotFound);
            if (!arn.service().equals("ecs")
                    || !arn.resourceType().equals("cluster")
                    || !arn.region().equals(platform.region())
                    || !arn.account().equals(platform.accountId())) {
                throw EcsErrors.clusterNotFound();
            }
            return arn.resourceId();
        }
        return reference;
    }

    /** The ACTIVE cluster named by {@code reference}, or ClusterNotFoundException. */
    public Cluster requireActive(Transaction tx, String reference) {
        return docs.get(tx, Kinds.CLUSTER, nameOf(reference), Cluster.class)
                .filter(Cluster::active)
                .orElseThrow(EcsErrors::clusterNotFound);
    }

    /**
     * The ACTIVE cluster a container instance registers into. As in ECS, registering into
     * {@code default} creates that cluster (or makes it ACTIVE again); any other missing or deleted
     * cluster is ClusterNotFoundException. Runs inside the caller's transaction.
     */
    public Cluster activeForRegistration(Transaction tx, String name) {
        var existing = docs.getForUpdate(tx, Kinds.CLUSTER, name, Cluster.class).filter(Cluster::active);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (!DEFAULT_CLUSTER.equals(name)) {
            throw EcsErrors.clusterNotFound();
        }
        Cluster fresh = new Cluster(
                name,
                Cluster.ACTIVE,
                List.of(),
                ClusterSettings.normalize(null, null),
                null,
                List.of(),
                null,
                null,
                clock.millis());
        docs.put(tx, Kinds.CLUSTER, name, fresh);
        return fresh;
    }

    public String arnOf(String name) {
        return platform.arn("ecs", "cluster/" + name).toString();
    }

    private JsonNode create(CallContext call, ObjectNode in) {
        String name = in.path("clusterName").asText(DEFAULT_CLUSTER);
        if (!NAME.matcher(name).matches()) {
            throw EcsErrors.invalidParameter(
                    "Cluster name can have up to 255 characters: letters (uppercase and lowercase), "
                            + "numbers, underscores and hyphens. Got '" + name + "'.");
        }
        var tags = TagRules.parse(in.get("tags"));
        JsonNode settings = ClusterSettings.normalize(in.get("settings"), null);
        List<String> providers = capacityProviders(in.get("capacityProviders"));
        JsonNode strategy = ClusterSettings.strategy(in.get("defaultCapacityProviderStrategy"), providers);
        Cluster fresh = new Cluster(
                name,
                Cluster.ACTIVE,
                tags,
                settings,
                in.get("configuration"),
                providers,
                strategy,
                in.get("serviceConnectDefaults"),
                clock.millis());
        Cluster result = store.transact(tx -> {
            var existing = docs.getForUpdate(tx, Kinds.CLUSTER, name, Cluster.class);
            if (existing.isPresent() && existing.get().active()) {
                return existing.get();
            }
            docs.put(tx, Kinds.CLUSTER, name, fresh);
            return fresh;
        });
        return single(result, Set.of("SETTINGS", "CONFIGURATIONS", "TAGS"));
    }

    private JsonNode describe(CallContext call, ObjectNode in) {
        DescribeCall d = DescribeCall.parse(
                in, "clusters", "clusters", DEFAULT_CLUSTER, 100, "DescribeClusters accepts at most 100 clusters.");
        store.read(tx -> {
            for (String ref : d.refs()) {
                String name;
                try {
                    name = nameOf(ref);
                } catch (RuntimeException e) {
                    d.fail(ref, "MISSING");
                    continue;
                }
                var c = docs.get(tx, Kinds.CLUSTER, name, Cluster.class);
                if (c.isEmpty()) {
                    d.fail(ref.startsWith("arn:") ? ref : arnOf(name), "MISSING");
                } else {
                    d.found().add(render(tx, c.get(), d.include()));
                }
            }
            return null;
        });
        return d.response();
    }

    private JsonNode list(CallContext call, ObjectNode in) {
        int max = NextTokens.maxResults(
                in.has("maxResults") ? in.get("maxResults").asInt() : null);
        String after = NextTokens.decode("ListClusters", in.path("nextToken").asText(null));
        StorePages.Listing<String> page = store.read(tx -> StorePages.list(
                tx,
                Kinds.CLUSTER,
                "",
                after,
                max,
                e -> docs.read(e, Cluster.class).active() ? Optional.of(arnOf(e.key())) : Optional.empty()));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode arns = out.putArray("clusterArns");
        page.items().forEach(arns::add);
        if (page.resumeAfter() != null) {
            out.put("nextToken", NextTokens.encode("ListClusters", page.resumeAfter()));
        }
        return out;
    }

    private JsonNode update(CallContext call, ObjectNode in) {
        Cluster updated = store.transact(tx -> {
            Cluster c = lockActive(tx, in.path("cluster").asText(null));
            if (in.has("settings")) {
                c = c.withSettings(ClusterSettings.normalize(in.get("settings"), c.settings()));
            }
            c = c.withConfiguration(
                    in.has("configuration") ? in.get("configuration") : c.configuration(),
                    in.has("serviceConnectDefaults") ? in.get("serviceConnectDefaults") : c.serviceConnectDefaults());
            docs.put(tx, Kinds.CLUSTER, c.name(), c);
            return c;
        });
        return single(updated, Set.of("SETTINGS", "CONFIGURATIONS"));
    }

    private JsonNode updateSettings(CallContext call, ObjectNode in) {
        Cluster updated = store.transact(tx -> {
            Cluster c = lockActive(tx, in.path("cluster").asText(null));
            c = c.withSettings(ClusterSettings.normalize(in.get("settings"), c.settings()));
            docs.put(tx, Kinds.CLUSTER, c.name(), c);
            return c;
        });
        return single(updated, Set.of("SETTINGS"));
    }

    private JsonNode putCapacityProviders(CallContext call, ObjectNode in) {
        List<String> providers = capacityProviders(in.get("capacityProviders"));
        JsonNode strategy = ClusterSettings.strategy(in.get("defaultCapacityProviderStrategy"), providers);
        Cluster updated = store.transact(tx -> {
            Cluster c = lockActive(tx, in.path("cluster").asText(null)).withCapacityProviders(providers, strategy);
            docs.put(tx, Kinds.CLUSTER, c.name(), c);
            return c;
        });
        return single(updated, Set.of("SETTINGS"));
    }

    private JsonNode delete(CallContext call, ObjectNode in) {
        Cluster deleted = store.transact(tx -> {
            Cluster c = lockActive(tx, in.path("cluster").asText(null));
            ClusterActivity.Counts counts = activity.counts(tx, c.name());
            if (counts.registeredContainerInstances() > 0) {
                throw new AwsException(
                        "ClusterContainsContainerInstancesException",
                        400,
                        "The Cluster cannot be deleted while Container Instances are active or draining.");
            }
            if (counts.activeServices() > 0 || counts.drainingServices() > 0) {
                throw new AwsException(
                        "ClusterContainsServicesException",
                        400,
                        "The Cluster cannot be deleted while Services are active.");
            }
            if (counts.runningTasks() + counts.pendingTasks() > 0) {
                throw new AwsException(
                        "ClusterContainsTasksException", 400, "The Cluster cannot be deleted while Tasks are active.");
            }
            Cluster inactive = c.withStatus(Cluster.INACTIVE);
            docs.put(tx, Kinds.CLUSTER, c.name(), inactive);
            return inactive;
        });
        return single(deleted, Set.of("SETTINGS", "CONFIGURATIONS"));
    }

    /** Tagging for cluster ARNs. */
    public TagApi.Taggable taggable() {
        return new TagApi.Taggable() {
            @Override
            public List<Tag> tags(Arn arn) {
                return store.read(tx -> requireActive(tx, arn.toString())).tags();
            }

            @Override
            public void update(Arn arn, UnaryOperator<List<Tag>> change) {
                store.transact(tx -> {
                    Cluster c = lockActive(tx, arn.toString());
                    docs.put(tx, Kinds.CLUSTER, c.name(), c.withTags(change.apply(c.tags())));
                    return null;
                });
            }
        };
    }

    private Cluster lockActive(Transaction tx, String reference) {
        return docs.getForUpdate(tx, Kinds.CLUSTER, nameOf(reference), Cluster.class)
                .filter(Cluster::active)
                .orElseThrow(EcsErrors::clusterNotFound);
    }

    private JsonNode single(Cluster c, Set<String> include) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("cluster", store.read(tx -> render(tx, c, include)));
        return out;
    }

    private ObjectNode render(Transaction tx, Cluster c, Set<String> include) {
        ClusterActivity.Counts counts = activity.counts(tx, c.name());
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("clusterArn", arnOf(c.name()));
        n.put("clusterName", c.name());
        n.put("status", c.status());
        n.put("registeredContainerInstancesCount", counts.registeredContainerInstances());
        n.put("runningTasksCount", counts.runningTasks());
        n.put("pendingTasksCount", counts.pendingTasks());
        n.put("activeServicesCount", counts.activeServices());
        ArrayNode stats = n.putArray("statistics");
        if (include.contains("STATISTICS")) {
            counts.statistics()
                    .forEach((k, v) -> stats.addObject().put("name", k).put("value", String.valueOf(v)));
        }
        n.set("tags", include.contains("TAGS") ? TagRules.toJson(c.tags()) : JsonNodeFactory.instance.arrayNode());
        if (include.contains("SETTINGS")) {
            n.set("settings", c.settings());
        }
        if (include.contains("CONFIGURATIONS") && c.configuration() != null) {
            n.set("configuration", c.configuration());
        }
        if (include.contains("ATTACHMENTS")) {
            n.putArray("attachments");
            n.put("attachmentsStatus", "UPDATE_COMPLETE");
        }
        ArrayNode providers = n.putArray("capacityProviders");
        c.capacityProviders().forEach(providers::add);
        n.set(
                "defaultCapacityProviderStrategy",
                c.defaultCapacityProviderStrategy() == null
                        ? JsonNodeFactory.instance.arrayNode()
                        : c.defaultCapacityProviderStrategy());
        if (c.serviceConnectDefaults() != null) {
            n.set("serviceConnectDefaults", c.serviceConnectDefaults());
        }
        return n;
    }

    private static List<String> capacityProviders(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        for (JsonNode p : node) {
            String name = p.asText();
            if (!BUILT_IN_PROVIDERS.contains(name)) {
                throw EcsErrors.invalidParameter("The specified capacity provider '" + name
                        + "' does not exist. Berth knows the capacity providers FARGATE and FARGATE_SPOT.");
            }
            if (out.contains(name)) {
                throw EcsErrors.invalidParameter("The capacity provider '" + name + "' is listed more than once.");
            }
            out.add(name);
        }
        return out;
    }
}
