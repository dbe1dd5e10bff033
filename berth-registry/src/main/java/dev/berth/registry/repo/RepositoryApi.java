package dev.berth.registry.repo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.tag.Tag;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.protocol.json.PageTokens;
import dev.berth.registry.RegistryKinds;
import dev.berth.registry.lifecycle.LifecyclePreviews;
import dev.berth.store.StateStore;
import dev.berth.store.StorePages;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ECR's repository operations: CreateRepository, DescribeRepositories, DeleteRepository,
 * PutImageTagMutability, PutImageScanningConfiguration and DescribeRegistry.
 *
 * <p>Each validates first, then reads and writes the store in one transaction, so bad input never
 * leaves a partial write. ECR never creates a repository implicitly (a push to a missing one
 * fails); this class is the only place one comes into being. DeleteRepository asks
 * {@link RepositoryContents} about images inside its transaction, so a concurrent push cannot slip
 * an image into a repository between the emptiness check and the delete.
 */
public final class RepositoryApi {

    private static final int DEFAULT_PAGE = 100;

    private final StateStore store;
    private final Repositories repos;
    private final RepositoryContents contents;
    private final Clock clock;

    /**
     * @param contents the registry's image metadata, asked whether a repository is empty and told to
     *     drop its images on a forced delete
     */
    public RepositoryApi(StateStore store, Repositories repos, RepositoryContents contents, Clock clock) {
        this.store = store;
        this.repos = repos;
        this.contents = contents;
        this.clock = clock;
    }

    public Map<String, JsonOperation> operations() {
        Map<String, JsonOperation> ops = new LinkedHashMap<>();
        ops.put("CreateRepository", this::create);
        ops.put("DescribeRepositories", this::describe);
        ops.put("DeleteRepository", this::delete);
        ops.put("PutImageTagMutability", this::putTagMutability);
        ops.put("PutImageScanningConfiguration", this::putScanning);
        ops.put("DescribeRegistry", this::describeRegistry);
        return ops;
    }

    private JsonNode create(CallContext call, ObjectNode in) {
        String name = in.path("repositoryName").asText();
        Repositories.checkName("repositoryName", name);
        if (in.has("registryId") && !in.get("registryId").asText().equals(repos.registryId())) {
            throw RepositoryErrors.invalidParameter(
                    "registryId", "Berth holds the registry of account " + repos.registryId() + " only");
        }
        List<Tag> tags = EcrTags.parse(in.get("tags"));
        String mutability = in.path("imageTagMutability").asText(RepositoryRecord.MUTABLE);
        var filters = exclusionFilters(mutability, in.get("imageTagMutabilityExclusionFilters"));
        var scanning = new RepositoryRecord.ScanningConfiguration(
                in.path("imageScanningConfiguration").path("scanOnPush").asBoolean(false));
        var encryption = encryption(in.get("encryptionConfiguration"));
        RepositoryRecord fresh = new RepositoryRecord(
                repos.arnOf(name),
                repos.registryId(),
                name,
                repos.uriOf(name),
                clock.instant(),
                mutability,
                filters,
                scanning,
                encryption,
                tags,
                null,
                null,
                null,
                null);
        store.transact(tx -> {
            if (!repos.docs().insert(tx, RegistryKinds.REPOSITORY, name, fresh)) {
                throw RepositoryErrors.alreadyExists(repos.registryId(), name);
            }
            return null;
        });
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("repository", repos.render(fresh));
        return out;
    }

    private JsonNode describe(CallContext call, ObjectNode in) {
        String registryId = in.path("registryId").asText(null);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode list = out.putArray("repositories");
        if (in.has("repositoryNames")) {
            if (in.has("nextToken") || in.has("maxResults")) {
                throw RepositoryErrors.invalidParameter(
                        "maxResults and nextToken cannot be used together with repositoryNames");
            }
            List<String> names = new ArrayList<>();
            in.get("repositoryNames").forEach(n -> names.add(n.asText()));
            List<RepositoryRecord> found = store.read(tx ->
                    names.stream().map(n -> repos.require(tx, registryId, n)).toList());
            found.forEach(r -> list.add(repos.render(r)));
            return out;
        }
        if (registryId != null && !registryId.equals(repos.registryId())) {
            return out;
        }
        int max = in.has("maxResults") ? in.get("maxResults").asInt() : DEFAULT_PAGE;
        String after = PageTokens.decode(
                "DescribeRepositories",
                in.path("nextToken").asText(null),
                () -> RepositoryErrors.invalidNextToken("DescribeRepositories"));
        StorePages.Listing<RepositoryRecord> page = store.read(tx -> StorePages.list(
                tx,
                RegistryKinds.REPOSITORY,
                "",
                after,
                max,
                e -> Optional.of(repos.docs().read(e, RepositoryRecord.class))));
        page.items().forEach(r -> list.add(repos.render(r)));
        if (page.resumeAfter() != null) {
            out.put("nextToken", PageTokens.encode("DescribeRepositories", page.resumeAfter()));
        }
        return out;
    }

    private JsonNode delete(CallContext call, ObjectNode in) {
        String name = in.path("repositoryName").asText();
        boolean force = in.path("force").asBoolean(false);
        RepositoryRecord deleted = store.transact(tx -> {
            RepositoryRecord r = repos.lock(tx, in.path("registryId").asText(null), name);
            if (contents.hasImages(tx, name)) {
                if (!force) {
                    throw RepositoryErrors.notEmpty(repos.registryId(), name);
                }
                contents.deleteAll(tx, name);
            }
            LifecyclePreviews.forget(tx, name);
            tx.delete(RegistryKinds.REPOSITORY, name);
            return r;
        });
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("repository", repos.render(deleted));
        return out;
    }

    private JsonNode putTagMutability(CallContext call, ObjectNode in) {
        String name = in.path("repositoryName").asText();
        String mutability = in.path("imageTagMutability").asText();
        var filters = exclusionFilters(mutability, in.get("imageTagMutabilityExclusionFilters"));
        RepositoryRecord updated = store.transact(tx -> {
            RepositoryRecord r =
                    repos.lock(tx, in.path("registryId").asText(null), name).withTagMutability(mutability, filters);
            repos.put(tx, r);
            return r;
        });
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("registryId", updated.registryId());
        out.put("repositoryName", updated.repositoryName());
        out.put("imageTagMutability", updated.imageTagMutability());
        ObjectNode rendered = repos.render(updated);
        if (rendered.has("imageTagMutabilityExclusionFilters")) {
            out.set("imageTagMutabilityExclusionFilters", rendered.get("imageTagMutabilityExclusionFilters"));
        }
        return out;
    }

    private JsonNode putScanning(CallContext call, ObjectNode in) {
        String name = in.path("repositoryName").asText();
        var scanning = new RepositoryRecord.ScanningConfiguration(
                in.path("imageScanningConfiguration").path("scanOnPush").asBoolean(false));
        RepositoryRecord updated = store.transact(tx -> {
            RepositoryRecord r =
                    repos.lock(tx, in.path("registryId").asText(null), name).withScanning(scanning);
            repos.put(tx, r);
            return r;
        });
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("registryId", updated.registryId());
        out.put("repositoryName", updated.repositoryName());
        out.putObject("imageScanningConfiguration").put("scanOnPush", scanning.scanOnPush());
        return out;
    }

    private JsonNode describeRegistry(CallContext call, ObjectNode in) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("registryId", repos.registryId());
        out.putObject("replicationConfiguration").putArray("rules");
        return out;
    }

    /** Exclusion filters belong to the {@code *_WITH_EXCLUSION} settings and only to them. */
    private static List<RepositoryRecord.TagMutabilityFilter> exclusionFilters(String mutability, JsonNode node) {
        boolean withExclusion = mutability.endsWith("_WITH_EXCLUSION");
        List<RepositoryRecord.TagMutabilityFilter> filters = new ArrayList<>();
        if (node != null) {
            node.forEach(f -> filters.add(new RepositoryRecord.TagMutabilityFilter(
                    f.path("filterType").asText(), f.path("filter").asText())));
        }
        if (withExclusion && filters.isEmpty()) {
            throw RepositoryErrors.invalidParameter(
                    "imageTagMutabilityExclusionFilters",
                    "imageTagMutabilityExclusionFilters must be provided when imageTagMutability is " + mutability);
        }
        if (!withExclusion && !filters.isEmpty()) {
            throw RepositoryErrors.invalidParameter(
                    "imageTagMutabilityExclusionFilters",
                    "imageTagMutabilityExclusionFilters can only be used with IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION");
        }
        if (filters.stream()
                        .map(RepositoryRecord.TagMutabilityFilter::filter)
                        .distinct()
                        .count()
                != filters.size()) {
            throw RepositoryErrors.invalidParameter("imageTagMutabilityExclusionFilters", "filters must be unique");
        }
        return filters;
    }

    private RepositoryRecord.EncryptionConfiguration encryption(JsonNode node) {
        if (node == null) {
            return new RepositoryRecord.EncryptionConfiguration("AES256", null);
        }
        String type = node.path("encryptionType").asText();
        String key = node.path("kmsKey").asText(null);
        if (type.equals("AES256")) {
            if (key != null) {
                throw RepositoryErrors.invalidParameter(
                        "encryptionConfiguration.kmsKey", "kmsKey can only be specified when encryptionType is KMS");
            }
            return new RepositoryRecord.EncryptionConfiguration(type, null);
        }
        if (key == null) {
            key = repos.platform().arn("kms", "alias/aws/ecr").toString();
        }
        return new RepositoryRecord.EncryptionConfiguration(type, key);
    }
}
