package dev.berth.registry.repo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.tag.Tag;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.store.StateStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TagResource, UntagResource and ListTagsForResource for ECR repositories (the only taggable ECR
 * resource). Tags live in the repository's document and change atomically with it; the limits are
 * {@link EcrTags}'.
 */
public final class RepositoryTagApi {

    private final StateStore store;
    private final Repositories repos;

    public RepositoryTagApi(StateStore store, Repositories repos) {
        this.store = store;
        this.repos = repos;
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("TagResource", this::tag);
        ops.put("UntagResource", this::untag);
        ops.put("ListTagsForResource", this::list);
        return ops;
    }

    private JsonNode tag(CallContext call, ObjectNode in) {
        String name = repos.nameFromArn(in.path("resourceArn").asText());
        List<Tag> added = EcrTags.parse(in.get("tags"));
        store.transact(tx -> {
            RepositoryRecord r = repos.lock(tx, null, name);
            repos.put(tx, r.withTags(EcrTags.merge(r.tags(), added)));
            return null;
        });
        return JsonNodeFactory.instance.objectNode();
    }

    private JsonNode untag(CallContext call, ObjectNode in) {
        String name = repos.nameFromArn(in.path("resourceArn").asText());
        List<String> keys = new ArrayList<>();
        in.path("tagKeys").forEach(k -> keys.add(k.asText()));
        store.transact(tx -> {
            RepositoryRecord r = repos.lock(tx, null, name);
            repos.put(tx, r.withTags(EcrTags.remove(r.tags(), keys)));
            return null;
        });
        return JsonNodeFactory.instance.objectNode();
    }

    private JsonNode list(CallContext call, ObjectNode in) {
        String name = repos.nameFromArn(in.path("resourceArn").asText());
        RepositoryRecord r = store.read(tx -> repos.require(tx, null, name));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("tags", EcrTags.toJson(r.tags()));
        return out;
    }
}
