package dev.berth.registry.lifecycle;

import static dev.berth.registry.lifecycle.LifecyclePolicyParserTest.policy;
import static dev.berth.registry.lifecycle.LifecyclePolicyParserTest.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.Platform;
import dev.berth.model.error.AwsException;
import dev.berth.protocol.CallContext;
import dev.berth.protocol.json.JsonOperation;
import dev.berth.protocol.json.Jsons;
import dev.berth.registry.repo.Repositories;
import dev.berth.registry.repo.RepositoryApi;
import dev.berth.registry.repo.RepositoryContents;
import dev.berth.store.Documents;
import dev.berth.store.StateStore;
import dev.berth.store.StateStores;
import dev.berth.store.StorePages;
import dev.berth.store.Transaction;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository and lifecycle operations over a real (H2) state store, with images kept as
 * documents of a test kind by {@link StoredImages} — the way the data half's image metadata will
 * keep them. Shows that the preview and the executor expire the same images, that the executor
 * really removes them and is atomic, and that DeleteRepository respects images.
 */
class LifecycleRunTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private static final CallContext CALL = new CallContext("req", "AKIATEST", "000000000000", "us-east-1");

    @TempDir
    Path dataDir;

    private StateStore store;
    private Documents docs;
    private StoredImages images;
    private Map<String, JsonOperation> ops;
    private LifecycleExecutor executor;
    private final List<String> policySet = new ArrayList<>();

    /** Images as store documents: kind {@code test-image}, key = repository + "#" + digest. */
    static final class StoredImages implements ImageCatalog, RepositoryContents {
        final Documents docs;
        final AtomicBoolean failExpire = new AtomicBoolean();

        StoredImages(Documents docs) {
            this.docs = docs;
        }

        void add(StateStore store, String repo, ImageFacts image) {
            store.transact(tx -> {
                docs.put(
                        tx,
                        "test-image",
                        repo + "#" + image.digest(),
                        Map.of(
                                "digest",
                                image.digest(),
                                "tags",
                                image.tags(),
                                "pushedAt",
                                image.pushedAt().toString()));
                return null;
            });
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<ImageFacts> images(Transaction tx, String repo) {
            List<ImageFacts> out = new ArrayList<>();
            StorePages.forEach(tx, "test-image", repo + "#", e -> {
                Map<String, Object> m = docs.read(e, Map.class);
                out.add(new ImageFacts(
                        (String) m.get("digest"),
                        (List<String>) m.get("tags"),
                        Instant.parse((String) m.get("pushedAt")),
                        null,
                        1));
            });
            return out;
        }

        @Override
        public void expire(Transaction tx, String repo, Collection<String> digests) {
            digests.forEach(d -> tx.delete("test-image", repo + "#" + d));
            if (failExpire.get()) {
                throw new IllegalStateException("disk on fire");
            }
        }

        @Override
        public boolean hasImages(Transaction tx, String repo) {
            return tx.count("test-image", repo + "#") > 0;
        }

        @Override
        public void deleteAll(Transaction tx, String repo) {
            images(tx, repo).forEach(i -> tx.delete("test-image", repo + "#" + i.digest()));
        }
    }

    @BeforeEach
    void open() {
        store = StateStores.open(null, dataDir);
        docs = new Documents(Jsons.newMapper());
        images = new StoredImages(docs);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        Repositories repos = new Repositories(docs, new Platform("000000000000", "us-east-1"), () -> "127.0.0.1:4566");
        ops = new HashMap<>();
        ops.putAll(new RepositoryApi(store, repos, images, clock).operations());
        ops.putAll(new LifecycleApi(store, repos, images, clock, policySet::add).operations());
        executor = new LifecycleExecutor(store, docs, images, clock);
        call("CreateRepository", "{\"repositoryName\":\"team/web\"}");
        for (int i = 0; i < 6; i++) {
            images.add(
                    store,
                    "team/web",
                    new ImageFacts("sha256:u" + i, List.of(), NOW.minus(Duration.ofDays(10 - i)), null, 1));
        }
        images.add(
                store,
                "team/web",
                new ImageFacts("sha256:p1", List.of("prod-1"), NOW.minus(Duration.ofDays(20)), null, 1));
        images.add(
                store,
                "team/web",
                new ImageFacts("sha256:p2", List.of("prod-2", "latest"), NOW.minus(Duration.ofDays(1)), null, 1));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private JsonNode call(String op, String json) {
        try {
            return ops.get(op).handle(CALL, (ObjectNode) docs.mapper().readTree(json));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private List<String> storedDigests() {
        return store.read(tx -> images.images(tx, "team/web")).stream()
                .map(ImageFacts::digest)
                .sorted()
                .toList();
    }

    private static final String POLICY = policy(
            rule(
                    1,
                    "\"tagStatus\":\"tagged\",\"tagPrefixList\":[\"prod\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":1"),
            rule(2, "\"tagStatus\":\"untagged\",\"countType\":\"imageCountMoreThan\",\"countNumber\":2"));

    @Test
    void thePreviewShowsExactlyWhatTheExecutorExpires() {
        call("PutLifecyclePolicy", "{\"repositoryName\":\"team/web\",\"lifecyclePolicyText\":" + quote(POLICY) + "}");
        assertThat(policySet).containsExactly("team/web");
        JsonNode started = call("StartLifecyclePolicyPreview", "{\"repositoryName\":\"team/web\"}");
        assertThat(started.get("status").asText()).isEqualTo("COMPLETE");
        JsonNode preview = call("GetLifecyclePolicyPreview", "{\"repositoryName\":\"team/web\"}");
        List<String> previewed = new ArrayList<>();
        preview.get("previewResults")
                .forEach(r -> previewed.add(r.get("imageDigest").asText() + "@"
                        + r.get("appliedRulePriority").asInt()));
        assertThat(previewed)
                .containsExactly("sha256:p1@1", "sha256:u0@2", "sha256:u1@2", "sha256:u2@2", "sha256:u3@2");
        assertThat(preview.get("summary").get("expiringImageTotalCount").asInt())
                .isEqualTo(5);
        assertThat(preview.get("previewResults")
                        .get(0)
                        .get("action")
                        .get("type")
                        .asText())
                .isEqualTo("EXPIRE");
        assertThat(preview.get("previewResults").get(0).get("imageTags").get(0).asText())
                .isEqualTo("prod-1");

        List<String> executed = executor.run("team/web").stream()
                .map(e -> e.image().digest() + "@" + e.rulePriority())
                .toList();
        assertThat(executed).isEqualTo(previewed);
        assertThat(storedDigests()).containsExactly("sha256:p2", "sha256:u4", "sha256:u5");
        assertThat(call("GetLifecyclePolicy", "{\"repositoryName\":\"team/web\"}")
                        .get("lastEvaluatedAt")
                        .asDouble())
                .isEqualTo(NOW.getEpochSecond());
        assertThat(executor.run("team/web")).isEmpty();
        assertThat(executor.runAll()).isZero();
    }

    @Test
    void thePreviewPagesAndFilters() {
        call(
                "StartLifecyclePolicyPreview",
                "{\"repositoryName\":\"team/web\",\"lifecyclePolicyText\":" + quote(POLICY) + "}");
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            ObjectNode req = JsonNodeFactory.instance
                    .objectNode()
                    .put("repositoryName", "team/web")
                    .put("maxResults", 2);
            if (token != null) {
                req.put("nextToken", token);
            }
            JsonNode page = ops.get("GetLifecyclePolicyPreview").handle(CALL, req);
            page.get("previewResults")
                    .forEach(r -> seen.add(r.get("imageDigest").asText()));
            token = page.path("nextToken").asText(null);
            pages++;
        } while (token != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(5).doesNotHaveDuplicates();
        assertThat(call(
                                "GetLifecyclePolicyPreview",
                                "{\"repositoryName\":\"team/web\",\"filter\":{\"tagStatus\":\"TAGGED\"}}")
                        .get("previewResults"))
                .hasSize(1);
        assertThat(call(
                                "GetLifecyclePolicyPreview",
                                "{\"repositoryName\":\"team/web\",\"filter\":{\"tagStatus\":\"UNTAGGED\"}}")
                        .get("previewResults"))
                .hasSize(4);
        assertThat(call(
                                "GetLifecyclePolicyPreview",
                                "{\"repositoryName\":\"team/web\",\"imageIds\":[{\"imageTag\":\"prod-1\"},"
                                        + "{\"imageDigest\":\"sha256:u1\"}]}")
                        .get("previewResults"))
                .hasSize(2);
        assertThatThrownBy(
                        () -> call("GetLifecyclePolicyPreview", "{\"repositoryName\":\"team/web\",\"imageIds\":[{}]}"))
                .hasMessageContaining("imageDigest or an imageTag");
        assertThatThrownBy(() ->
                        call("GetLifecyclePolicyPreview", "{\"repositoryName\":\"team/web\",\"nextToken\":\"bogus\"}"))
                .hasMessageContaining("nextToken");
        // nothing was set: the preview used the given text only
        assertThatThrownBy(() -> call("GetLifecyclePolicy", "{\"repositoryName\":\"team/web\"}"))
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.code()).isEqualTo("LifecyclePolicyNotFoundException"));
        assertThat(storedDigests()).hasSize(8);
    }

    @Test
    void aFailingExpiryRollsTheWholeRunBack() {
        call("PutLifecyclePolicy", "{\"repositoryName\":\"team/web\",\"lifecyclePolicyText\":" + quote(POLICY) + "}");
        images.failExpire.set(true);
        assertThatThrownBy(() -> executor.run("team/web")).hasMessageContaining("disk on fire");
        assertThat(storedDigests()).hasSize(8);
        assertThat(call("GetLifecyclePolicy", "{\"repositoryName\":\"team/web\"}")
                        .has("lastEvaluatedAt"))
                .isFalse();
        assertThat(executor.runAll()).isZero(); // logged, not thrown
    }

    @Test
    void deleteRepositoryNeedsForceWhileImagesRemain() {
        call(
                "StartLifecyclePolicyPreview",
                "{\"repositoryName\":\"team/web\",\"lifecyclePolicyText\":" + quote(POLICY) + "}");
        assertThatThrownBy(() -> call("DeleteRepository", "{\"repositoryName\":\"team/web\"}"))
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.code()).isEqualTo("RepositoryNotEmptyException"))
                .hasMessage(
                        "The repository with name 'team/web' in registry with id '000000000000' cannot be deleted because it "
                                + "still contains images");
        assertThat(storedDigests()).hasSize(8);
        JsonNode deleted = call("DeleteRepository", "{\"repositoryName\":\"team/web\",\"force\":true}");
        assertThat(deleted.get("repository").get("repositoryUri").asText()).isEqualTo("127.0.0.1:4566/team/web");
        assertThat(storedDigests()).isEmpty();
        assertThat(store.<Long>read(tx -> tx.count("ecr-lifecycle-preview-result", "")))
                .isZero();
        call("CreateRepository", "{\"repositoryName\":\"team/web\"}");
        assertThatThrownBy(() -> call("GetLifecyclePolicyPreview", "{\"repositoryName\":\"team/web\"}"))
                .isInstanceOfSatisfying(AwsException.class, e -> assertThat(e.code())
                        .isEqualTo("LifecyclePolicyPreviewNotFoundException"));
    }

    private static String quote(String s) {
        return JsonNodeFactory.instance.textNode(s).toString();
    }
}
