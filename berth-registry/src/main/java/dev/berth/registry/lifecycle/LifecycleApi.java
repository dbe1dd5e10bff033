package dev.berth.registry.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.protocol.json.PageTokens;
import dev.berth.registry.RegistryKinds;
import dev.berth.registry.repo.Repositories;
import dev.berth.registry.repo.RepositoryErrors;
import dev.berth.registry.repo.RepositoryRecord;
import dev.berth.store.StateStore;
import dev.berth.store.StorePages;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * PutLifecyclePolicy, GetLifecyclePolicy, DeleteLifecyclePolicy, StartLifecyclePolicyPreview and
 * GetLifecyclePolicyPreview.
 *
 * <p>The policy text is validated by {@link LifecyclePolicyParser} and kept in the repository's
 * document as the caller wrote it. A preview evaluates the policy (the given text or the stored
 * one) against the repository's images from the {@link ImageCatalog} with
 * {@link LifecycleEvaluator} — the function the executor uses — in one transaction, and stores the
 * result, so it is {@code COMPLETE} as soon as StartLifecyclePolicyPreview returns. Setting a
 * policy tells {@code onPolicySet}, which the server uses to run the executor for that repository
 * soon after (ECR: "within 24 hours").
 */
public final class LifecycleApi {

    private static final int DEFAULT_PAGE = 100;

    private final StateStore store;
    private final Repositories repos;
    private final ImageCatalog catalog;
    private final Clock clock;
    private final Consumer<String> onPolicySet;

    public LifecycleApi(
            StateStore store, Repositories repos, ImageCatalog catalog, Clock clock, Consumer<String> onPolicySet) {
        this.store = store;
        this.repos = repos;
        this.catalog = catalog;
        this.clock = clock;
        this.onPolicySet = onPolicySet;
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("PutLifecyclePolicy", this::put);
        ops.put("GetLifecyclePolicy", this::get);
        ops.put("DeleteLifecyclePolicy", this::delete);
        ops.put("StartLifecyclePolicyPreview", this::startPreview);
        ops.put("GetLifecyclePolicyPreview", this::getPreview);
        return ops;
    }

    private JsonNode put(CallContext call, ObjectNode in) {
        String name = in.path("repositoryName").asText();
        String text = in.path("lifecyclePolicyText").asText();
        Repositories.checkName("repositoryName", name);
        LifecyclePolicyParser.parse(repos.docs().mapper(), text);
        RepositoryRecord r = store.transact(tx -> {
            RepositoryRecord updated =
                    repos.lock(tx, in.path("registryId").asText(null), name).withLifecyclePolicy(text, clock.instant());
            repos.put(tx, updated);
            return updated;
        });
        onPolicySet.accept(name);
        ObjectNode out = head(r);
        out.put("lifecyclePolicyText", text);
        return out;
    }

    private JsonNode get(CallContext call, ObjectNode in) {
        String name = in.path("repositoryName").asText();
        RepositoryRecord r =
                store.read(tx -> repos.require(tx, in.path("registryId").asText(null), name));
        if (r.lifecyclePolicyText() == null) {
            throw RepositoryErrors.lifecyclePolicyNotFound(repos.registryId(), name);
        }
        return withPolicy(r);
    }

    private JsonNode delete(CallContext call, ObjectNode in) {
        String name = in.path("repositoryName").asText();
        RepositoryRecord before = store.transact(tx -> {
            RepositoryRecord r = repos.lock(tx, in.path("registryId").asText(null), name);
            if (r.lifecyclePolicyText() == null) {
                throw RepositoryErrors.lifecyclePolicyNotFound(repos.registryId(), name);
            }
            repos.put(tx, r.withLifecyclePolicy(null, null));
            return r;
        });
        return withPolicy(before);
    }

    private JsonNode startPreview(CallContext call, ObjectNode in) {
        String name = in.path("repositoryName").asText();
        Repositories.checkName("repositoryName", name);
        String given = in.path("lifecyclePolicyText").asText(null);
        if (given != null) {
            LifecyclePolicyParser.parse(repos.docs().mapper(), given);
        }
        ObjectNode out = store.transact(tx -> {
            RepositoryRecord repo = repos.lock(tx, in.path("registryId").asText(null), name);
            String text = given != null ? given : repo.lifecyclePolicyText();
            if (text == null) {
                throw RepositoryErrors.lifecyclePolicyNotFound(repos.registryId(), name);
            }
            Instant now = clock.instant();
            LifecyclePolicy policy = LifecyclePolicyParser.parse(repos.docs().mapper(), text);
            var expiries = LifecycleEvaluator.evaluate(policy, catalog.images(tx, name), now);
            LifecyclePreviews.save(tx, repos.docs(), name, text, now, expiries);
            return head(repo).put("lifecyclePolicyText", text);
        });
        out.put("status", "COMPLETE");
        return out;
    }

    private JsonNode getPreview(CallContext call, ObjectNode in) {
        String name = in.path("repositoryName").asText();
        boolean byIds = in.has("imageIds");
        if (byIds && (in.has("maxResults") || in.has("nextToken"))) {
            throw RepositoryErrors.invalidParameter("maxResults and nextToken cannot be used together with imageIds");
        }
        Set<String> digests = new HashSet<>();
        Set<String> tags = new HashSet<>();
        in.path("imageIds").forEach(id -> {
            if (!id.has("imageDigest") && !id.has("imageTag")) {
                throw RepositoryErrors.invalidParameter(
                        "imageIds", "each image identifier needs an imageDigest or an imageTag");
            }
            if (id.has("imageDigest")) {
                digests.add(id.get("imageDigest").asText());
            }
            if (id.has("imageTag")) {
                tags.add(id.get("imageTag").asText());
            }
        });
        String tagStatus = in.path("filter").path("tagStatus").asText("ANY");
        int max = byIds
                ? Integer.MAX_VALUE
                : in.has("maxResults") ? in.get("maxResults").asInt() : DEFAULT_PAGE;
        String after = PageTokens.decode(
                "GetLifecyclePolicyPreview",
                in.path("nextToken").asText(null),
                () -> RepositoryErrors.invalidNextToken("GetLifecyclePolicyPreview"));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        store.read(tx -> {
            RepositoryRecord r = repos.require(tx, in.path("registryId").asText(null), name);
            LifecyclePreviews.Header header = LifecyclePreviews.header(tx, repos.docs(), name)
                    .orElseThrow(() -> RepositoryErrors.previewNotFound(repos.registryId(), name));
            out.setAll(head(r));
            out.put("lifecyclePolicyText", header.lifecyclePolicyText());
            out.put("status", header.status());
            StorePages.Listing<LifecyclePreviews.Result> page = StorePages.list(
                    tx, RegistryKinds.LIFECYCLE_PREVIEW_RESULT, LifecyclePreviews.prefix(name), after, max, e -> {
                        LifecyclePreviews.Result res = LifecyclePreviews.read(repos.docs(), e);
                        return keep(res, byIds, digests, tags, tagStatus) ? Optional.of(res) : Optional.empty();
                    });
            ArrayNode results = out.putArray("previewResults");
            page.items().forEach(res -> results.add(render(res)));
            if (page.resumeAfter() != null) {
                out.put("nextToken", PageTokens.encode("GetLifecyclePolicyPreview", page.resumeAfter()));
            }
            out.putObject("summary").put("expiringImageTotalCount", header.expiringImageTotalCount());
            return null;
        });
        return out;
    }

    private static boolean keep(
            LifecyclePreviews.Result res, boolean byIds, Set<String> digests, Set<String> tags, String tagStatus) {
        if (byIds
                && !digests.contains(res.imageDigest())
                && res.imageTags().stream().noneMatch(tags::contains)) {
            return false;
        }
        return switch (tagStatus) {
            case "TAGGED" -> !res.imageTags().isEmpty();
            case "UNTAGGED" -> res.imageTags().isEmpty();
            default -> true;
        };
    }

    private static ObjectNode render(LifecyclePreviews.Result res) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        ArrayNode t = n.putArray("imageTags");
        res.imageTags().forEach(t::add);
        n.put("imageDigest", res.imageDigest());
        n.put("imagePushedAt", res.imagePushedAt().toEpochMilli() / 1000.0);
        n.putObject("action").put("type", "EXPIRE");
        n.put("appliedRulePriority", res.appliedRulePriority());
        return n;
    }

    private static ObjectNode head(RepositoryRecord r) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("registryId", r.registryId());
        out.put("repositoryName", r.repositoryName());
        return out;
    }

    private static ObjectNode withPolicy(RepositoryRecord r) {
        ObjectNode out = head(r);
        out.put("lifecyclePolicyText", r.lifecyclePolicyText());
        if (r.lifecyclePolicyLastEvaluatedAt() != null) {
            out.put("lastEvaluatedAt", r.lifecyclePolicyLastEvaluatedAt().toEpochMilli() / 1000.0);
        }
        return out;
    }
}
