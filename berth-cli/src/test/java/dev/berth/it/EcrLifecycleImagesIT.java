package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecr.model.LifecyclePolicyPreviewResult;
import software.amazon.awssdk.services.ecr.model.RepositoryNotEmptyException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;

/**
 * Lifecycle policies over images really pushed through {@code /v2/}: the preview names exactly
 * the images the server's executor then removes (it runs right after PutLifecyclePolicy), and
 * DeleteRepository refuses a repository with images unless forced.
 */
class EcrLifecycleImagesIT extends WithServer {

    static EcrClient ecr;

    @BeforeAll
    static void setUp() {
        RegistryOciIT.registry = new TestRegistry(server);
        ecr = EcrClients.ecr(server);
    }

    @AfterAll
    static void close() {
        ecr.close();
    }

    private static String untagged(String repo, long seed) throws Exception {
        String digest = RegistryOciIT.pushImage(repo, "temp", seed);
        RegistryOciIT.registry.send(RegistryOciIT.registry
                .request("/v2/" + repo + "/manifests/temp")
                .DELETE()
                .build());
        return digest;
    }

    private static Set<String> digests(String repo) {
        return ecr.listImagesPaginator(b -> b.repositoryName(repo)).imageIds().stream()
                .map(ImageIdentifier::imageDigest)
                .collect(Collectors.toSet());
    }

    @Test
    void theExecutorExpiresExactlyWhatThePreviewShowed() throws Exception {
        String repo = "life/images";
        ecr.createRepository(b -> b.repositoryName(repo));
        String prod1 = RegistryOciIT.pushImage(repo, "prod-1", 11);
        String prod2 = RegistryOciIT.pushImage(repo, "prod-2", 12);
        String prod3 = RegistryOciIT.pushImage(repo, "prod-3", 13);
        String u1 = untagged(repo, 21);
        String u2 = untagged(repo, 22);
        String u3 = untagged(repo, 23);
        String dev = RegistryOciIT.pushImage(repo, "dev-1", 31);
        assertThat(digests(repo)).hasSize(7);

        String policy =
                "{\"rules\":[{\"rulePriority\":1,\"description\":\"two prod images\",\"selection\":{\"tagStatus\":\"tagged\","
                        + "\"tagPrefixList\":[\"prod\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":2},\"action\":{\"type\":\"expire\"}},"
                        + "{\"rulePriority\":2,\"description\":\"one untagged image\",\"selection\":{\"tagStatus\":\"untagged\","
                        + "\"countType\":\"imageCountMoreThan\",\"countNumber\":1},\"action\":{\"type\":\"expire\"}}]}";
        ecr.startLifecyclePolicyPreview(b -> b.repositoryName(repo).lifecyclePolicyText(policy));
        List<LifecyclePolicyPreviewResult> preview =
                ecr.getLifecyclePolicyPreview(b -> b.repositoryName(repo)).previewResults();
        assertThat(preview)
                .extracting(LifecyclePolicyPreviewResult::imageDigest)
                .containsExactly(prod1, u1, u2);
        assertThat(preview)
                .extracting(LifecyclePolicyPreviewResult::appliedRulePriority)
                .containsExactly(1, 2, 2);
        assertThat(preview.getFirst().imageTags()).containsExactly("prod-1");
        assertThat(digests(repo)).hasSize(7); // a preview deletes nothing

        ecr.putLifecyclePolicy(b -> b.repositoryName(repo).lifecyclePolicyText(policy));
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> digests(repo).size() == 4);
        assertThat(digests(repo)).containsExactlyInAnyOrder(prod2, prod3, u3, dev);
        assertThat(ecr.getLifecyclePolicy(b -> b.repositoryName(repo)).lastEvaluatedAt())
                .isNotNull();
        var pull = RegistryOciIT.registry.send(RegistryOciIT.registry
                .request("/v2/" + repo + "/manifests/prod-1")
                .GET()
                .build());
        assertThat(pull.statusCode()).isEqualTo(404);

        assertThatThrownBy(() -> ecr.deleteRepository(b -> b.repositoryName(repo)))
                .isInstanceOf(RepositoryNotEmptyException.class)
                .hasMessageContaining("cannot be deleted because it still contains images");
        assertThat(digests(repo)).hasSize(4);
        ecr.deleteRepository(b -> b.repositoryName(repo).force(true));
        assertThatThrownBy(() -> ecr.listImages(b -> b.repositoryName(repo)))
                .isInstanceOf(RepositoryNotFoundException.class);
        var push = RegistryOciIT.putManifest(repo, "again", "application/vnd.oci.image.manifest.v1+json", "{}");
        assertThat(push.statusCode()).isEqualTo(404);

        ecr.createRepository(b -> b.repositoryName(repo));
        assertThat(digests(repo)).as("a recreated repository starts empty").isEmpty();
        ecr.deleteRepository(b -> b.repositoryName(repo));
    }
}
