package dev.berth.secrets.ssm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.tag.Tag;
import dev.berth.protocol.CallContext;
import dev.berth.store.StateStore;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Parameter Store operations that change a parameter's labels and tags but not its value:
 * Label/UnlabelParameterVersion (a label names one version; at most 10 per version; invalid labels
 * are reported, not refused) and Add/RemoveTagsFromResource, ListTagsForResource for resource type
 * {@code Parameter}. Each call is one store transaction; the documents are {@link SsmApi}'s.
 */
final class ParameterLabelsAndTags {

    private final SsmApi ssm;
    private final StateStore store;

    ParameterLabelsAndTags(SsmApi ssm, StateStore store) {
        this.ssm = ssm;
        this.store = store;
    }

    JsonNode label(CallContext call, ObjectNode in) {
        ParameterNames.Ref ref = ssm.names().parse(in.path("Name").asText(), false);
        List<String> labels = new ArrayList<>();
        in.path("Labels").forEach(l -> labels.add(l.asText()));
        return store.transact(tx -> {
            StoredParameter p = ssm.head(tx, ref).orElseThrow(SsmErrors::notFound);
            tx.getForUpdate(SsmApi.KIND, p.name());
            long version = in.hasNonNull("ParameterVersion")
                    ? in.get("ParameterVersion").asLong()
                    : p.current().version();
            StoredParameter.Version target = ssm.select(tx, p, new ParameterNames.Ref(p.name(), version, null, null));
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            ArrayNode invalid = out.putArray("InvalidLabels");
            List<String> valid = new ArrayList<>();
            for (String l : labels) {
                if (ParameterNames.validLabel(l)) {
                    valid.add(l);
                } else {
                    invalid.add(l);
                }
            }
            Set<String> merged = new LinkedHashSet<>(target.labels());
            merged.addAll(valid);
            if (merged.size() > SsmApi.MAX_LABELS_PER_VERSION) {
                throw SsmErrors.of(
                        "ParameterVersionLabelLimitExceeded",
                        "A parameter version can have maximum 10 labels."
                                + " Move one or more labels to another version and try again.");
            }
            // a label names one version: take it off whichever version has it now
            StorePages.forEach(tx, SsmApi.KIND_VERSION, p.name() + "#", e -> {
                StoredParameter.Version v = ssm.readVersion(e.json());
                if (v.version() != version && v.labels().stream().anyMatch(valid::contains)) {
                    StoredParameter.Version moved = v.withLabels(
                            v.labels().stream().filter(x -> !valid.contains(x)).toList());
                    tx.put(SsmApi.KIND_VERSION, e.key(), SsmApi.write(moved));
                }
            });
            StoredParameter.Version labelled = target.withLabels(List.copyOf(merged));
            tx.put(SsmApi.KIND_VERSION, SsmApi.versionKey(p.name(), version), SsmApi.write(labelled));
            refreshHead(tx, p);
            out.put("ParameterVersion", version);
            return out;
        });
    }

    private void refreshHead(Transaction tx, StoredParameter p) {
        StoredParameter.Version current = ssm.readVersion(tx.get(
                        SsmApi.KIND_VERSION,
                        SsmApi.versionKey(p.name(), p.current().version()))
                .orElseThrow()
                .json());
        tx.put(SsmApi.KIND, p.name(), SsmApi.write(p.withCurrent(current)));
    }

    JsonNode unlabel(CallContext call, ObjectNode in) {
        ParameterNames.Ref ref = ssm.names().parse(in.path("Name").asText(), false);
        List<String> labels = new ArrayList<>();
        in.path("Labels").forEach(l -> labels.add(l.asText()));
        return store.transact(tx -> {
            StoredParameter p = ssm.head(tx, ref).orElseThrow(SsmErrors::notFound);
            tx.getForUpdate(SsmApi.KIND, p.name());
            long version = in.path("ParameterVersion").asLong();
            StoredParameter.Version target = ssm.select(tx, p, new ParameterNames.Ref(p.name(), version, null, null));
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            ArrayNode removed = out.putArray("RemovedLabels");
            ArrayNode invalid = out.putArray("InvalidLabels");
            labels.forEach(l -> (target.labels().contains(l) ? removed : invalid).add(l));
            tx.put(
                    SsmApi.KIND_VERSION,
                    SsmApi.versionKey(p.name(), version),
                    SsmApi.write(target.withLabels(target.labels().stream()
                            .filter(l -> !labels.contains(l))
                            .toList())));
            refreshHead(tx, p);
            return out;
        });
    }

    private String taggedName(ObjectNode in) {
        String type = in.path("ResourceType").asText();
        if (!type.equals("Parameter")) {
            throw SsmErrors.of(
                    "InvalidResourceType",
                    "Berth's Systems Manager holds parameters only; resource type " + type + " does not exist here.");
        }
        return in.path("ResourceId").asText();
    }

    private StoredParameter lockTagged(Transaction tx, ObjectNode in) {
        ParameterNames.Ref ref = ssm.names().parse(taggedName(in), false);
        StoredParameter p = ssm.head(tx, ref)
                .orElseThrow(() -> SsmErrors.of(
                        "InvalidResourceId",
                        "The resource ID \"" + ref.name() + "\" is not valid. Verify the ID and try again."));
        tx.getForUpdate(SsmApi.KIND, p.name());
        return p;
    }

    JsonNode addTags(CallContext call, ObjectNode in) {
        List<Tag> added = SsmApi.tags(in.get("Tags"));
        store.transact(tx -> {
            StoredParameter p = lockTagged(tx, in);
            Map<String, String> map = new LinkedHashMap<>();
            p.tags().forEach(t -> map.put(t.key(), t.value()));
            added.forEach(t -> map.put(t.key(), t.value()));
            if (map.size() > 50) {
                throw SsmErrors.of("TooManyTagsError", "The Tags list may contain at most 50 tags.");
            }
            tx.put(
                    SsmApi.KIND,
                    p.name(),
                    SsmApi.write(p.withTags(map.entrySet().stream()
                            .map(e -> new Tag(e.getKey(), e.getValue()))
                            .toList())));
            return null;
        });
        return JsonNodeFactory.instance.objectNode();
    }

    JsonNode removeTags(CallContext call, ObjectNode in) {
        List<String> keys = new ArrayList<>();
        in.path("TagKeys").forEach(k -> keys.add(k.asText()));
        store.transact(tx -> {
            StoredParameter p = lockTagged(tx, in);
            tx.put(
                    SsmApi.KIND,
                    p.name(),
                    SsmApi.write(p.withTags(p.tags().stream()
                            .filter(t -> !keys.contains(t.key()))
                            .toList())));
            return null;
        });
        return JsonNodeFactory.instance.objectNode();
    }

    JsonNode listTags(CallContext call, ObjectNode in) {
        StoredParameter p = store.read(tx -> {
            ParameterNames.Ref ref = ssm.names().parse(taggedName(in), false);
            return ssm.head(tx, ref)
                    .orElseThrow(() -> SsmErrors.of(
                            "InvalidResourceId",
                            "The resource ID \"" + ref.name() + "\" is not valid. Verify the ID and try again."));
        });
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode list = out.putArray("TagList");
        p.tags().forEach(t -> list.addObject().put("Key", t.key()).put("Value", t.value()));
        return out;
    }
}
