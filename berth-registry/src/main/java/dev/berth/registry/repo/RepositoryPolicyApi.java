package dev.berth.registry.repo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.store.StateStore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SetRepositoryPolicy, GetRepositoryPolicy and DeleteRepositoryPolicy. The policy lives inside the
 * repository's document ({@link RepositoryRecord#policyText()}), so it disappears with the
 * repository and changes atomically with it. It is validated as ECR validates it
 * ({@link PolicyDocuments}) and kept as the caller wrote it.
 */
public final class RepositoryPolicyApi {

    private final StateStore store;
    private final Repositories repos;
    private final ObjectMapper mapper;

    public RepositoryPolicyApi(StateStore store, Repositories repos) {
        this.store = store;
        this.repos = repos;
        this.mapper = repos.docs().mapper();
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("SetRepositoryPolicy", this::set);
        ops.put("GetRepositoryPolicy", this::get);
        ops.put("DeleteRepositoryPolicy", this::delete);
        return ops;
    }

    private JsonNode set(CallContext call, ObjectNode in) {
        String name = in.path("repositoryName").asText();
        String text = in.path("policyText").asText();
        Repositories.checkName("repositoryName", name);
        PolicyDocuments.check(mapper, text);
        RepositoryRecord r = store.transact(tx -> {
            RepositoryRecord updated =
                    repos.lock(tx, in.path("registryId").asText(null), name).withPolicy(text);
            repos.put(tx, updated);
            return updated;
        });
        return result(r, text);
    }

    private JsonNode get(CallContext call, ObjectNode in) {
        String name = in.path("repositoryName").asText();
        RepositoryRecord r =
                store.read(tx -> repos.require(tx, in.path("registryId").asText(null), name));
        if (r.policyText() == null) {
            throw RepositoryErrors.policyNotFound(repos.registryId(), name);
        }
        return result(r, r.policyText());
    }

    private JsonNode delete(CallContext call, ObjectNode in) {
        String name = in.path("repositoryName").asText();
        RepositoryRecord before = store.transact(tx -> {
            RepositoryRecord r = repos.lock(tx, in.path("registryId").asText(null), name);
            if (r.policyText() == null) {
                throw RepositoryErrors.policyNotFound(repos.registryId(), name);
            }
            repos.put(tx, r.withPolicy(null));
            return r;
        });
        return result(before, before.policyText());
    }

    private static JsonNode result(RepositoryRecord r, String text) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("registryId", r.registryId());
        out.put("repositoryName", r.repositoryName());
        out.put("policyText", text);
        return out;
    }
}
