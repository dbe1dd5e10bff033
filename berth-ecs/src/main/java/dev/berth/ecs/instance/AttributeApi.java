package dev.berth.ecs.instance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.ecs.EcsErrors;
import dev.berth.ecs.Kinds;
import dev.berth.ecs.NextTokens;
import dev.berth.ecs.cluster.ClusterApi;
import dev.berth.model.error.AwsException;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.store.Page;
import dev.berth.store.StateStore;
import dev.berth.store.Transaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * PutAttributes, ListAttributes and DeleteAttributes for container instances, the only target type
 * ECS has. A call's attributes are applied in one transaction: all of them or, on the first
 * missing target or broken rule, none.
 *
 * <p>Agent-set attributes ({@code ecs.*}, capabilities) are listed but can be neither overwritten
 * nor deleted through the API (see {@link AttributeRules}).
 */
public final class AttributeApi {

    private static final String TARGET_TYPE = "container-instance";

    private final StateStore store;
    private final ContainerInstances instances;
    private final ClusterApi clusters;

    public AttributeApi(StateStore store, ContainerInstances instances, ClusterApi clusters) {
        this.store = store;
        this.instances = instances;
        this.clusters = clusters;
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("PutAttributes", (call, in) -> change(in, true));
        ops.put("DeleteAttributes", (call, in) -> change(in, false));
        ops.put("ListAttributes", this::list);
        return ops;
    }

    private record Change(String name, String value, String targetId) {}

    private JsonNode change(ObjectNode in, boolean put) {
        List<Change> changes = new ArrayList<>();
        for (JsonNode a : in.path("attributes")) {
            String name = a.path("name").asText(null);
            AttributeRules.checkName(name);
            String value = a.hasNonNull("value") ? a.get("value").asText() : null;
            if (put) {
                AttributeRules.checkValue(name, value);
            }
            AttributeRules.checkNotReserved(name);
            if (a.hasNonNull("targetType")
                    && !TARGET_TYPE.equals(a.get("targetType").asText())) {
                throw EcsErrors.invalidParameter("targetType must be container-instance.");
            }
            String target = a.path("targetId").asText(null);
            if (target == null || target.isEmpty()) {
                throw EcsErrors.invalidParameter(
                        "Attribute '" + name + "' needs a targetId: a container instance id or ARN.");
            }
            changes.add(new Change(name, value, target));
        }
        if (changes.isEmpty() || changes.size() > AttributeRules.MAX_PER_CALL) {
            throw EcsErrors.invalidParameter(
                    "attributes must hold 1 to " + AttributeRules.MAX_PER_CALL + " attributes.");
        }
        return store.transact(tx -> {
            String cluster =
                    clusters.requireActive(tx, in.path("cluster").asText(null)).name();
            Map<String, StoredContainerInstance> touched = new LinkedHashMap<>();
            ArrayNode echoed = JsonNodeFactory.instance.arrayNode();
            for (Change c : changes) {
                StoredContainerInstance ci = target(tx, cluster, c.targetId(), touched);
                Map<String, String> custom = new TreeMap<>(ci.customAttributes());
                if (put) {
                    custom.put(c.name(), c.value());
                    AttributeRules.checkLimit(instances.arnOf(cluster, ci.id()), ci.agentAttributes(), custom);
                } else {
                    custom.remove(c.name());
                }
                touched.put(ci.id(), ci.withCustomAttributes(custom));
                ObjectNode e = echoed.addObject().put("name", c.name());
                if (c.value() != null) {
                    e.put("value", c.value());
                }
                e.put("targetType", TARGET_TYPE).put("targetId", instances.arnOf(cluster, ci.id()));
            }
            touched.values().forEach(ci -> instances.docs().put(tx, Kinds.CONTAINER_INSTANCE, ci.key(), ci));
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.set("attributes", echoed);
            return out;
        });
    }

    private StoredContainerInstance target(
            Transaction tx, String cluster, String ref, Map<String, StoredContainerInstance> touched) {
        String id = instances.resolve(cluster, ref).orElseThrow(() -> targetNotFound(ref));
        StoredContainerInstance seen = touched.get(id);
        return seen != null ? seen : instances.lockRegistered(tx, cluster, id).orElseThrow(() -> targetNotFound(ref));
    }

    private static AwsException targetNotFound(String ref) {
        return new AwsException(
                "TargetNotFoundException", 400, "Could not find the container instance '" + ref + "' in the cluster.");
    }

    private JsonNode list(CallContext call, ObjectNode in) {
        if (!TARGET_TYPE.equals(in.path("targetType").asText())) {
            throw EcsErrors.invalidParameter("targetType must be container-instance.");
        }
        String wantName = in.path("attributeName").asText(null);
        String wantValue = in.path("attributeValue").asText(null);
        if (wantValue != null && wantName == null) {
            throw EcsErrors.invalidParameter("attributeValue can only be used together with attributeName.");
        }
        int max = NextTokens.maxResults(
                in.has("maxResults") ? in.get("maxResults").asInt() : null);
        String token = NextTokens.decode("ListAttributes", in.path("nextToken").asText(null));
        // The cursor is "<instance key>|<attribute name>": names and keys never contain '|'.
        String afterKey =
                token == null ? null : token.substring(0, token.indexOf('|') < 0 ? token.length() : token.indexOf('|'));
        String afterName = token == null || token.indexOf('|') < 0 ? null : token.substring(token.indexOf('|') + 1);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode attrs = out.putArray("attributes");
        String next = store.read(tx -> {
            String cluster =
                    clusters.requireActive(tx, in.path("cluster").asText(null)).name();
            List<StoredContainerInstance> batch = new ArrayList<>();
            if (afterKey != null) {
                instances
                        .docs()
                        .get(tx, Kinds.CONTAINER_INSTANCE, afterKey, StoredContainerInstance.class)
                        .ifPresent(batch::add);
            }
            String scanAfter = afterKey;
            String last = null;
            while (true) {
                for (StoredContainerInstance ci : batch) {
                    for (Map.Entry<String, String> a : ci.attributes().entrySet()) {
                        boolean alreadyListed = ci.key().equals(afterKey)
                                && afterName != null
                                && a.getKey().compareTo(afterName) <= 0;
                        if (alreadyListed
                                || (wantName != null && !wantName.equals(a.getKey()))
                                || (wantValue != null && !wantValue.equals(a.getValue()))) {
                            continue;
                        }
                        if (attrs.size() >= max) {
                            return last;
                        }
                        ObjectNode o = attrs.addObject().put("name", a.getKey());
                        if (a.getValue() != null) {
                            o.put("value", a.getValue());
                        }
                        o.put("targetType", TARGET_TYPE).put("targetId", instances.arnOf(ci.cluster(), ci.id()));
                        last = ci.key() + "|" + a.getKey();
                    }
                }
                Page page = tx.scan(Kinds.CONTAINER_INSTANCE, Kinds.inCluster(cluster), scanAfter, 100);
                if (page.entries().isEmpty()) {
                    return null;
                }
                batch.clear();
                page.entries().forEach(e -> batch.add(instances.docs().read(e, StoredContainerInstance.class)));
                scanAfter = page.entries().getLast().key();
            }
        });
        if (next != null) {
            out.put("nextToken", NextTokens.encode("ListAttributes", next));
        }
        return out;
    }
}
