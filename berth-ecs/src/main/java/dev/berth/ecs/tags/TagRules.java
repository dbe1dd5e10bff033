package dev.berth.ecs.tags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.berth.ecs.EcsErrors;
import dev.berth.model.tag.Tag;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ECS's tag rules, shared by every call that takes {@code tags} (CreateCluster,
 * RegisterTaskDefinition, TagResource, ...). Lengths, the character pattern and the 50-per-call
 * limit are already enforced by the service model; this adds what the model cannot say: the
 * reserved {@code aws:} prefix, duplicate keys, and the 50-per-resource limit after a merge.
 */
public final class TagRules {

    public static final int MAX_TAGS = 50;

    private TagRules() {}

    /** Reads a validated {@code tags} array (absent = none) into tags, rejecting reserved and duplicate keys. */
    public static List<Tag> parse(JsonNode tags) {
        List<Tag> out = new ArrayList<>();
        if (tags == null || tags.isMissingNode()) {
            return out;
        }
        Map<String, String> seen = new LinkedHashMap<>();
        for (JsonNode t : tags) {
            String key = t.path("key").asText(null);
            if (key == null || key.isEmpty()) {
                throw EcsErrors.invalidParameter("Tag keys must not be empty.");
            }
            String value = t.path("value").asText("");
            checkNotReserved(key);
            if (seen.put(key, value) != null) {
                throw EcsErrors.invalidParameter("Duplicate tag key in request: '" + key + "'.");
            }
            out.add(new Tag(key, value));
        }
        return out;
    }

    /** Adds or overwrites {@code added} on {@code existing}; rejects a result of more than 50 tags. */
    public static List<Tag> merge(List<Tag> existing, List<Tag> added) {
        Map<String, String> map = new LinkedHashMap<>();
        existing.forEach(t -> map.put(t.key(), t.value()));
        added.forEach(t -> map.put(t.key(), t.value()));
        if (map.size() > MAX_TAGS) {
            throw EcsErrors.invalidParameter("A resource can have at most " + MAX_TAGS
                    + " tags; this request would leave it with " + map.size() + ".");
        }
        return map.entrySet().stream()
                .map(e -> new Tag(e.getKey(), e.getValue()))
                .toList();
    }

    /** Removes {@code keys}; removing a reserved key is refused as it is in ECS. */
    public static List<Tag> remove(List<Tag> existing, Collection<String> keys) {
        keys.forEach(TagRules::checkNotReserved);
        return existing.stream().filter(t -> !keys.contains(t.key())).toList();
    }

    public static ArrayNode toJson(List<Tag> tags) {
        ArrayNode arr = JsonNodeFactory.instance.arrayNode(tags.size());
        for (Tag t : tags) {
            arr.addObject().put("key", t.key()).put("value", t.value());
        }
        return arr;
    }

    private static void checkNotReserved(String key) {
        if (key.regionMatches(true, 0, "aws:", 0, 4)) {
            throw EcsErrors.invalidParameter(
                    "Tag keys that start with 'aws:' are reserved for AWS use: '" + key + "'.");
        }
    }
}
