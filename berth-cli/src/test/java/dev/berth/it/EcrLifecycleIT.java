package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.GetLifecyclePolicyPreviewResponse;
import software.amazon.awssdk.services.ecr.model.InvalidParameterException;
import software.amazon.awssdk.services.ecr.model.LifecyclePolicyNotFoundException;
import software.amazon.awssdk.services.ecr.model.LifecyclePolicyPreviewNotFoundException;
import software.amazon.awssdk.services.ecr.model.LifecyclePolicyPreviewStatus;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;

/**
 * Lifecycle policy operations through the AWS SDK v2 against a real server, and malformed ECR
 * requests sent raw. (Which images a policy expires is covered where images exist:
 * {@code LifecycleRunTest} in berth-registry; here the server has no image store wired yet.)
 */
class EcrLifecycleIT extends WithServer {

    static EcrClient ecr;
    static RawClient raw;
    static final String ECR = "AmazonEC2ContainerRegistry_V20150921.";
    static final String POLICY = "{\"rules\":[{\"rulePriority\":1,\"description\":\"keep 3 untagged\",\"selection\":{"
            + "\"tagStatus\":\"untagged\",\"countType\":\"imageCountMoreThan\",\"countNumber\":3},\"action\":{\"type\":\"expire\"}},"
            + "{\"rulePriority\":9,\"selection\":{\"tagStatus\":\"any\",\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\","
            + "\"countNumber\":90},\"action\":{\"type\":\"expire\"}}]}";

    @BeforeAll
    static void clients() {
        ecr = EcrClients.ecr(server);
        raw = new RawClient(server.endpoint(), server.accessKeyId(), server.secretAccessKey());
        ecr.createRepository(b -> b.repositoryName("life"));
    }

    @AfterAll
    static void closeClients() {
        ecr.close();
    }

    @Test
    void putGetAndDeleteALifecyclePolicy() throws Exception {
        assertThatThrownBy(() -> ecr.getLifecyclePolicy(b -> b.repositoryName("life")))
                .isInstanceOf(LifecyclePolicyNotFoundException.class)
                .hasMessageContaining(
                        "Lifecycle policy does not exist for the repository with name 'life' in the registry with id '000000000000'");
        var put = ecr.putLifecyclePolicy(b -> b.repositoryName("life").lifecyclePolicyText(POLICY));
        assertThat(put.lifecyclePolicyText()).isEqualTo(POLICY);
        assertThat(put.registryId()).isEqualTo("000000000000");
        assertThat(ecr.getLifecyclePolicy(b -> b.repositoryName("life")).lifecyclePolicyText())
                .isEqualTo(POLICY);
        // the server runs a new policy right away (on its housekeeping thread): lastEvaluatedAt appears
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() ->
                        ecr.getLifecyclePolicy(b -> b.repositoryName("life")).lastEvaluatedAt() != null);
        var deleted = ecr.deleteLifecyclePolicy(b -> b.repositoryName("life"));
        assertThat(deleted.lifecyclePolicyText()).isEqualTo(POLICY);
        assertThatThrownBy(() -> ecr.deleteLifecyclePolicy(b -> b.repositoryName("life")))
                .isInstanceOf(LifecyclePolicyNotFoundException.class);
        assertThatThrownBy(() ->
                        ecr.putLifecyclePolicy(b -> b.repositoryName("nope").lifecyclePolicyText(POLICY)))
                .isInstanceOf(RepositoryNotFoundException.class);
    }

    @Test
    void invalidPoliciesAreRefusedWithEcrsMessages() {
        String anyFirst = POLICY.replace("\"rulePriority\":9", "\"rulePriority\":0")
                .replace("\"rulePriority\":1", "\"rulePriority\":5")
                .replace("\"rulePriority\":0", "\"rulePriority\":2");
        assertThatThrownBy(() ->
                        ecr.putLifecyclePolicy(b -> b.repositoryName("life").lifecyclePolicyText(anyFirst)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: "
                        + "'Lifecycle policy validation failure: the rule with tagStatus 'any' (rulePriority 2) must have the highest "
                        + "rulePriority and be evaluated last'");
        String countUnit = POLICY.replace("\"countNumber\":3}", "\"countNumber\":3,\"countUnit\":\"days\"}");
        assertThatThrownBy(() ->
                        ecr.putLifecyclePolicy(b -> b.repositoryName("life").lifecyclePolicyText(countUnit)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("countUnit can only be used");
        assertThatThrownBy(() ->
                        ecr.putLifecyclePolicy(b -> b.repositoryName("life").lifecyclePolicyText("{\"rules\":[]}")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("lifecyclePolicyText")
                .hasMessageContaining("greater than or equal to 100");
        assertThatThrownBy(() -> ecr.putLifecyclePolicy(
                        b -> b.repositoryName("life").lifecyclePolicyText(" ".repeat(100) + "{")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ecr.startLifecyclePolicyPreview(
                        b -> b.repositoryName("life").lifecyclePolicyText(countUnit)))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecr.getLifecyclePolicy(b -> b.repositoryName("life")))
                .isInstanceOf(LifecyclePolicyNotFoundException.class);
    }

    @Test
    void previews() {
        ecr.createRepository(b -> b.repositoryName("preview"));
        assertThatThrownBy(() -> ecr.getLifecyclePolicyPreview(b -> b.repositoryName("preview")))
                .isInstanceOf(LifecyclePolicyPreviewNotFoundException.class);
        assertThatThrownBy(() -> ecr.startLifecyclePolicyPreview(b -> b.repositoryName("preview")))
                .isInstanceOf(LifecyclePolicyNotFoundException.class);
        var started =
                ecr.startLifecyclePolicyPreview(b -> b.repositoryName("preview").lifecyclePolicyText(POLICY));
        assertThat(started.status()).isEqualTo(LifecyclePolicyPreviewStatus.COMPLETE);
        assertThat(started.lifecyclePolicyText()).isEqualTo(POLICY);
        GetLifecyclePolicyPreviewResponse preview = ecr.getLifecyclePolicyPreview(b -> b.repositoryName("preview"));
        assertThat(preview.status()).isEqualTo(LifecyclePolicyPreviewStatus.COMPLETE);
        assertThat(preview.lifecyclePolicyText()).isEqualTo(POLICY);
        assertThat(preview.previewResults()).isEmpty();
        assertThat(preview.summary().expiringImageTotalCount()).isZero();
        assertThatThrownBy(() -> ecr.getLifecyclePolicyPreview(
                        b -> b.repositoryName("preview").maxResults(5).imageIds(i -> i.imageTag("latest"))))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecr.getLifecyclePolicyPreview(
                        b -> b.repositoryName("preview").maxResults(101)))
                .isInstanceOf(InvalidParameterException.class);
        // the stored policy, not the previewed text, is what a preview without text uses
        ecr.putLifecyclePolicy(b -> b.repositoryName("preview").lifecyclePolicyText(POLICY));
        assertThat(ecr.startLifecyclePolicyPreview(b -> b.repositoryName("preview"))
                        .lifecyclePolicyText())
                .isEqualTo(POLICY);
        ecr.deleteRepository(b -> b.repositoryName("preview"));
        ecr.createRepository(b -> b.repositoryName("preview"));
        assertThatThrownBy(() -> ecr.getLifecyclePolicyPreview(b -> b.repositoryName("preview")))
                .isInstanceOf(LifecyclePolicyPreviewNotFoundException.class);
    }

    @Test
    void malformedRequestsGetAwsErrorsNeverAServerError() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        String[][] cases = {
            {"CreateRepository", "{\"repositoryName\":5}", "SerializationException"},
            {"CreateRepository", "{}", "InvalidParameterException"},
            {
                "CreateRepository",
                "{\"repositoryName\":\"ok-name\",\"imageTagMutability\":\"SOMETIMES\"}",
                "InvalidParameterException"
            },
            {"CreateRepository", "{\"repositoryName\":\"ok-name\",\"tags\":{\"Key\":\"a\"}}", "SerializationException"},
            // the 2024 model makes a tag's Value required, so the front end's validation answers
            {
                "CreateRepository",
                "{\"repositoryName\":\"ok-name\",\"tags\":[{\"Key\":\"a\"}]}",
                "InvalidParameterException"
            },
            {"CreateRepository", "{\"repositoryName\":\"ok-name\",\"registryId\":\"12\"}", "InvalidParameterException"},
            {
                "CreateRepository",
                "{\"repositoryName\":\"ok-name\",\"encryptionConfiguration\":{}}",
                "InvalidParameterException"
            },
            {"CreateRepository", "{\"repositoryName\":\"..%2f..%2fetc\"}", "InvalidParameterException"},
            {"DescribeRepositories", "{\"maxResults\":\"ten\"}", "SerializationException"},
            {"DescribeRepositories", "{\"maxResults\":0}", "InvalidParameterException"},
            {"DescribeRepositories", "{\"repositoryNames\":[]}", "InvalidParameterException"},
            {"DeleteRepository", "{\"repositoryName\":\"life\",\"force\":\"yes\"}", "SerializationException"},
            {
                "PutLifecyclePolicy",
                "{\"repositoryName\":\"life\",\"lifecyclePolicyText\":{\"rules\":[]}}",
                "SerializationException"
            },
            {"SetRepositoryPolicy", "{\"repositoryName\":\"life\"}", "InvalidParameterException"},
            {"TagResource", "{\"resourceArn\":\"arn:aws:ecr:us-east-1:000000000000:repository/life\",\"tags\":[]}", null
            },
            {
                "UntagResource",
                "{\"resourceArn\":\"arn:aws:ecr:us-east-1:000000000000:repository/life\"}",
                "InvalidParameterException"
            },
            {
                "GetLifecyclePolicyPreview",
                "{\"repositoryName\":\"life\",\"filter\":{\"tagStatus\":\"SOME\"}}",
                "InvalidParameterException"
            },
            {"GetAuthorizationToken", "{\"registryIds\":[]}", "InvalidParameterException"},
        };
        for (String[] c : cases) {
            RawClient.Response r = raw.json("ecr", ECR + c[0], c[1].getBytes(StandardCharsets.UTF_8));
            if (c[2] == null) {
                assertThat(r.status()).as(c[0] + " " + c[1] + ": " + r.body()).isEqualTo(200);
                continue;
            }
            assertThat(r.status()).as(c[0] + " " + c[1] + ": " + r.body()).isEqualTo(400);
            JsonNode body = mapper.readTree(r.body());
            assertThat(body.path("__type").asText())
                    .as(c[0] + " " + c[1] + ": " + r.body())
                    .endsWith(c[2]);
        }
        RawClient.Response notImplemented = raw.json(
                "ecr",
                ECR + "CreatePullThroughCacheRule",
                "{\"ecrRepositoryPrefix\":\"hub\",\"upstreamRegistryUrl\":\"registry-1.docker.io\"}"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(notImplemented.status()).isEqualTo(400);
        assertThat(notImplemented.body()).contains("UnknownOperationException");
        assertThat(ecr.describeRepositories(b -> {}).repositories())
                .extracting(r -> r.repositoryName())
                .doesNotContain("ok-name");
    }
}
