package dev.berth.ecs.taskdef;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.ecs.EcsErrors;
import dev.berth.ecs.Kinds;
import dev.berth.ecs.NextTokens;
import dev.berth.ecs.tags.TagApi;
import dev.berth.ecs.tags.TagRules;
import dev.berth.model.Platform;
import dev.berth.model.arn.Arn;
import dev.berth.model.tag.Tag;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.scheduler.cql.Cql;
import dev.berth.store.Documents;
import dev.berth.store.Entry;
import dev.berth.store.StateStore;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The ECS task definition operations: RegisterTaskDefinition, DescribeTaskDefinition,
 * ListTaskDefinitions, ListTaskDefinitionFamilies, DeregisterTaskDefinition and
 * DeleteTaskDefinitions.
 *
 * <p>Validation and normalization live in {@link TaskDefinitionRules}; this class numbers
 * revisions (a store counter per family, so concurrent registrations never share a revision),
 * keeps the family summaries in step, and renders what ECS returns.
 */
public final class TaskDefinitionApi {

    private final StateStore store;
    private final Documents docs;
    private final TaskDefinitionRefs refs;
    private final Clock clock;

    public TaskDefinitionApi(StateStore store, Documents docs, Platform platform, Clock clock) {
        this.store = store;
        this.docs = docs;
        this.refs = new TaskDefinitionRefs(platform);
        this.clock = clock;
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("RegisterTaskDefinition", this::register);
        ops.put("DescribeTaskDefinition", this::describe);
        ops.put("ListTaskDefinitions", this::list);
        ops.put("ListTaskDefinitionFamilies", this::listFamilies);
        ops.put("DeregisterTaskDefinition", this::deregister);
        ops.put("DeleteTaskDefinitions", this::deleteMany);
        return ops;
    }

    public TaskDefinitionRefs refs() {
        return refs;
    }

    /**
     * The task definition a reference names ({@code family} = latest ACTIVE revision,
     * {@code family:revision}, or ARN), in any status; empty when there is none.
     */
    public Optional<StoredTaskDefinition> find(Transaction tx, String reference) {
        TaskDefinitionRefs.Ref ref = refs.parse(reference);
        long revision = ref.revision();
        if (revision == 0) {
            var family = docs.get(tx, Kinds.TASK_DEFINITION_FAMILY, ref.family(), TaskDefinitionFamily.class);
            if (family.isEmpty() || !family.get().active()) {
                return Optional.empty();
            }
            revision = family.get().latestActiveRevision();
        }
        return docs.get(
                tx, Kinds.TASK_DEFINITION, Kinds.taskDefinitionKey(ref.family(), revision), StoredTaskDefinition.class);
    }

    private JsonNode register(CallContext call, ObjectNode in) {
        ObjectNode body = TaskDefinitionRules.validate(in, Cql::parse);
        var tags = TagRules.parse(in.get("tags"));
        String family = body.path("family").asText();
        String registeredBy = "arn:aws:iam::" + call.accountId() + ":root";
        StoredTaskDefinition stored = store.transact(tx -> {
            long revision = tx.increment("taskdef-revision/" + family);
            StoredTaskDefinition td = new StoredTaskDefinition(
                    family, revision, StoredTaskDefinition.ACTIVE, body, tags, clock.millis(), registeredBy, null);
            docs.put(tx, Kinds.TASK_DEFINITION, Kinds.taskDefinitionKey(family, revision), td);
            var current = docs.getForUpdate(tx, Kinds.TASK_DEFINITION_FAMILY, family, TaskDefinitionFamily.class);
            long active = current.map(TaskDefinitionFamily::activeRevisions).orElse(0L) + 1;
            docs.put(tx, Kinds.TASK_DEFINITION_FAMILY, family, new TaskDefinitionFamily(family, active, revision));
            return td;
        });
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("taskDefinition", render(stored));
        out.set("tags", TagRules.toJson(stored.tags()));
        return out;
    }

    private JsonNode describe(CallContext call, ObjectNode in) {
        String reference = in.path("taskDefinition").asText();
        StoredTaskDefinition td = store.read(tx -> find(tx, reference))
                .orElseThrow(() -> EcsErrors.client("Unable to describe task definition."));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("taskDefinition", render(td));
        for (JsonNode i : in.path("include")) {
            if (i.asText().equals("TAGS")) {
                out.set("tags", TagRules.toJson(td.tags()));
            }
        }
        return out;
    }

    private JsonNode list(CallContext call, ObjectNode in) {
        String family = in.path("familyPrefix").asText(null);
        String status = in.path("status").asText(StoredTaskDefinition.ACTIVE);
        boolean descending = in.path("sort").asText("ASC").equals("DESC");
        int max = NextTokens.maxResults(
                in.has("maxResults") ? in.get("maxResults").asInt() : null);
        String op = "ListTaskDefinitions";
        String after = NextTokens.decode(op, in.path("nextToken").asText(null));
        String prefix = family == null ? "" : family + "/";
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode arns = out.putArray("taskDefinitionArns");
        String next = store.read(tx -> {
            if (descending) {
                return listDescending(tx, prefix, status, after, max, arns);
            }
            StorePages.Listing<String> page = StorePages.list(tx, Kinds.TASK_DEFINITION, prefix, after, max, e -> {
                StoredTaskDefinition td = docs.read(e, StoredTaskDefinition.class);
                return td.status().equals(status)
                        ? Optional.of(refs.arn(td.family(), td.revision()))
                        : Optional.empty();
            });
            page.items().forEach(arns::add);
            return page.resumeAfter();
        });
        if (next != null) {
            out.put("nextToken", NextTokens.encode(op, next));
        }
        return out;
    }

    /**
     * DESC order reverses family and revision order. The store scans forwards only, so this reads
     * the matching keys and walks them backwards; fine for the revision counts ECS users keep.
     */
    private String listDescending(
            Transaction tx, String prefix, String status, String before, int max, ArrayNode arns) {
        List<Entry> all = new ArrayList<>();
        StorePages.forEach(tx, Kinds.TASK_DEFINITION, prefix, e -> {
            if (before == null || e.key().compareTo(before) < 0) {
                all.add(e);
            }
        });
        for (int i = all.size() - 1; i >= 0; i--) {
            StoredTaskDefinition td = docs.read(all.get(i), StoredTaskDefinition.class);
            if (td.status().equals(status)) {
                arns.add(refs.arn(td.family(), td.revision()));
                if (arns.size() >= max) {
                    return i > 0 ? all.get(i).key() : null;
                }
            }
        }
        return null;
    }

    private JsonNode listFamilies(CallContext call, ObjectNode in) {
        String prefix = in.path("familyPrefix").asText("");
        String status = in.path("status").asText("ACTIVE");
        int max = NextTokens.maxResults(
                in.has("maxResults") ? in.get("maxResults").asInt() : null);
        String op = "ListTaskDefinitionFamilies";
        String after = NextTokens.decode(op, in.path("nextToken").asText(null));
        StorePages.Listing<String> page =
                store.read(tx -> StorePages.list(tx, Kinds.TASK_DEFINITION_FAMILY, prefix, after, max, e -> {
                    TaskDefinitionFamily f = docs.read(e, TaskDefinitionFamily.class);
                    boolean match =
                            switch (status) {
                                case "ACTIVE" -> f.active();
                                case "INACTIVE" -> !f.active();
                                default -> true;
                            };
                    return match ? Optional.of(f.family()) : Optional.empty();
                }));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode families = out.putArray("families");
        page.items().forEach(families::add);
        if (page.resumeAfter() != null) {
            out.put("nextToken", NextTokens.encode(op, page.resumeAfter()));
        }
        return out;
    }

    private JsonNode deregister(CallContext call, ObjectNode in) {
        TaskDefinitionRefs.Ref ref = refs.parse(in.path("taskDefinition").asText());
        if (ref.revision() == 0) {
            throw EcsErrors.client(
                    "The specified task definition identifier is missing a revision: use family:revision or "
                            + "the full ARN.");
        }
        StoredTaskDefinition result = store.transact(tx -> {
            String key = Kinds.taskDefinitionKey(ref.family(), ref.revision());
            StoredTaskDefinition td = docs.getForUpdate(tx, Kinds.TASK_DEFINITION, key, StoredTaskDefinition.class)
                    .orElseThrow(() -> EcsErrors.client("The specified task definition does not exist."));
            if (!td.status().equals(StoredTaskDefinition.ACTIVE)) {
                return td;
            }
            StoredTaskDefinition inactive = td.withStatus(StoredTaskDefinition.INACTIVE, clock.millis());
            docs.put(tx, Kinds.TASK_DEFINITION, key, inactive);
            TaskDefinitionFamily family = docs.getForUpdate(
                            tx, Kinds.TASK_DEFINITION_FAMILY, td.family(), TaskDefinitionFamily.class)
                    .orElseThrow();
            long latest = family.latestActiveRevision() == td.revision()
                    ? latestActiveBelow(tx, td.family(), td.revision())
                    : family.latestActiveRevision();
            docs.put(
                    tx,
                    Kinds.TASK_DEFINITION_FAMILY,
                    td.family(),
                    new TaskDefinitionFamily(td.family(), family.activeRevisions() - 1, latest));
            return inactive;
        });
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("taskDefinition", render(result));
        return out;
    }

    private long latestActiveBelow(Transaction tx, String family, long revision) {
        long[] latest = {0};
        StorePages.forEach(tx, Kinds.TASK_DEFINITION, family + "/", e -> {
            StoredTaskDefinition td = docs.read(e, StoredTaskDefinition.class);
            if (td.revision() < revision && td.status().equals(StoredTaskDefinition.ACTIVE)) {
                latest[0] = td.revision();
            }
        });
        return latest[0];
    }

    private JsonNode deleteMany(CallContext call, ObjectNode in) {
        List<String> references = new ArrayList<>();
        in.path("taskDefinitions").forEach(t -> references.add(t.asText()));
        if (references.isEmpty() || references.size() > 10) {
            throw EcsErrors.invalidParameter("DeleteTaskDefinitions takes 1 to 10 task definitions.");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode deleted = out.putArray("taskDefinitions");
        ArrayNode failures = out.putArray("failures");
        store.transact(tx -> {
            deleted.removeAll();
            failures.removeAll();
            for (String reference : references) {
                TaskDefinitionRefs.Ref ref;
                try {
                    ref = refs.parse(reference);
                } catch (RuntimeException e) {
                    failures.addObject()
                            .put("arn", reference)
                            .put("reason", "The specified task definition identifier is invalid.");
                    continue;
                }
                if (ref.revision() == 0) {
                    failures.addObject()
                            .put("arn", reference)
                            .put("reason", "The specified task definition identifier must include a revision.");
                    continue;
                }
                String key = Kinds.taskDefinitionKey(ref.family(), ref.revision());
                var td = docs.getForUpdate(tx, Kinds.TASK_DEFINITION, key, StoredTaskDefinition.class);
                if (td.isEmpty()) {
                    failures.addObject()
                            .put("arn", refs.arn(ref.family(), ref.revision()))
                            .put("reason", "The specified task definition does not exist.");
                } else if (td.get().status().equals(StoredTaskDefinition.ACTIVE)) {
                    failures.addObject()
                            .put("arn", refs.arn(ref.family(), ref.revision()))
                            .put("reason", "The specified task definition must be INACTIVE before it can be deleted.")
                            .put("detail", "Deregister it first with DeregisterTaskDefinition.");
                } else {
                    StoredTaskDefinition marked = td.get()
                            .withStatus(
                                    StoredTaskDefinition.DELETE_IN_PROGRESS,
                                    td.get().deregisteredAtMillis());
                    docs.put(tx, Kinds.TASK_DEFINITION, key, marked);
                    deleted.add(render(marked));
                }
            }
            return null;
        });
        return out;
    }

    /**
     * Removes DELETE_IN_PROGRESS revisions for good. ECS finishes a deletion once no task or
     * service uses the revision; the caller runs this periodically.
     *
     * @return how many revisions were removed
     */
    public int purgeDeleted(java.util.function.Predicate<String> inUse) {
        return store.transact(tx -> {
            List<String> doomed = new ArrayList<>();
            StorePages.forEach(tx, Kinds.TASK_DEFINITION, "", e -> {
                StoredTaskDefinition td = docs.read(e, StoredTaskDefinition.class);
                if (td.status().equals(StoredTaskDefinition.DELETE_IN_PROGRESS)
                        && !inUse.test(refs.arn(td.family(), td.revision()))) {
                    doomed.add(e.key());
                }
            });
            doomed.forEach(key -> tx.delete(Kinds.TASK_DEFINITION, key));
            return doomed.size();
        });
    }

    /** Tagging for task definition ARNs (which always carry a revision). */
    public TagApi.Taggable taggable() {
        return new TagApi.Taggable() {
            @Override
            public List<Tag> tags(Arn arn) {
                return store.read(tx -> docs.get(tx, Kinds.TASK_DEFINITION, keyOf(arn), StoredTaskDefinition.class))
                        .orElseThrow(TaskDefinitionApi::notFound)
                        .tags();
            }

            @Override
            public void update(Arn arn, UnaryOperator<List<Tag>> change) {
                String key = keyOf(arn);
                store.transact(tx -> {
                    StoredTaskDefinition td = docs.getForUpdate(
                                    tx, Kinds.TASK_DEFINITION, key, StoredTaskDefinition.class)
                            .orElseThrow(TaskDefinitionApi::notFound);
                    docs.put(tx, Kinds.TASK_DEFINITION, key, td.withTags(change.apply(td.tags())));
                    return null;
                });
            }

            private String keyOf(Arn arn) {
                TaskDefinitionRefs.Ref ref;
                try {
                    ref = refs.parse(arn.toString());
                } catch (RuntimeException e) {
                    throw notFound();
                }
                return Kinds.taskDefinitionKey(ref.family(), ref.revision());
            }
        };
    }

    private static RuntimeException notFound() {
        return EcsErrors.resourceNotFound("The specified resource is not found.");
    }

    ObjectNode render(StoredTaskDefinition td) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("taskDefinitionArn", refs.arn(td.family(), td.revision()));
        n.setAll(td.body().deepCopy());
        n.put("revision", td.revision());
        n.put("status", td.status());
        n.put("registeredAt", td.registeredAtMillis() / 1000.0);
        n.put("registeredBy", td.registeredBy());
        if (td.deregisteredAtMillis() != null) {
            n.put("deregisteredAt", td.deregisteredAtMillis() / 1000.0);
        }
        return n;
    }
}
