package dev.berth.ecs.tags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.ecs.EcsErrors;
import dev.berth.model.arn.Arn;
import dev.berth.model.tag.Tag;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * TagResource, UntagResource and ListTagsForResource for every taggable ECS resource. Each
 * resource type registers a {@link Taggable} that reads and rewrites its own tags, so tags stay
 * inside the resource's document and change atomically with it.
 */
public final class TagApi {

    /** How one resource type exposes its tags to the tagging API. */
    public interface Taggable {
        /** The resource's tags; throws ECS's not-found error when it does not exist. */
        List<Tag> tags(Arn arn);

        /** Replaces the resource's tags with {@code change} applied to the current ones, atomically. */
        void update(Arn arn, UnaryOperator<List<Tag>> change);
    }

    private final Map<String, Taggable> byType = new LinkedHashMap<>();

    public TagApi register(String resourceType, Taggable taggable) {
        byType.put(resourceType, taggable);
        return this;
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("TagResource", this::tag);
        ops.put("UntagResource", this::untag);
        ops.put("ListTagsForResource", this::listTags);
        return ops;
    }

    private JsonNode tag(CallContext call, ObjectNode in) {
        Arn arn = parse(in.path("resourceArn").asText());
        List<Tag> added = TagRules.parse(in.get("tags"));
        taggable(arn).update(arn, current -> TagRules.merge(current, added));
        return JsonNodeFactory.instance.objectNode();
    }

    private JsonNode untag(CallContext call, ObjectNode in) {
        Arn arn = parse(in.path("resourceArn").asText());
        List<String> keys = new ArrayList<>();
        in.path("tagKeys").forEach(k -> keys.add(k.asText()));
        taggable(arn).update(arn, current -> TagRules.remove(current, keys));
        return JsonNodeFactory.instance.objectNode();
    }

    private JsonNode listTags(CallContext call, ObjectNode in) {
        Arn arn = parse(in.path("resourceArn").asText());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("tags", TagRules.toJson(taggable(arn).tags(arn)));
        return out;
    }

    private Arn parse(String text) {
        return Arn.parse(text)
                .filter(a -> a.service().equals("ecs"))
                .orElseThrow(() -> EcsErrors.invalidParameter("The ARN provided is invalid: '" + text + "'."));
    }

    private Taggable taggable(Arn arn) {
        Taggable t = byType.get(arn.resourceType());
        if (t == null) {
            throw EcsErrors.invalidParameter(
                    "The ARN provided is invalid: resources of type '" + arn.resourceType() + "' cannot be tagged.");
        }
        return t;
    }
}
