package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.DescribeRepositoriesResponse;
import software.amazon.awssdk.services.ecr.model.EncryptionType;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.ImageTagMutabilityExclusionFilterType;
import software.amazon.awssdk.services.ecr.model.InvalidParameterException;
import software.amazon.awssdk.services.ecr.model.InvalidTagParameterException;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.ecr.model.RepositoryPolicyNotFoundException;
import software.amazon.awssdk.services.ecr.model.Tag;
import software.amazon.awssdk.services.ecr.model.TooManyTagsException;

/** ECR repository operations end to end: a real server, the AWS SDK for Java v2 ECR client. */
class EcrRepositoryIT extends WithServer {

    static EcrClient ecr;
    static String host;

    @BeforeAll
    static void clients() {
        ecr = EcrClients.ecr(server);
        host = server.endpoint().getAuthority();
    }

    @AfterAll
    static void closeClients() {
        ecr.close();
    }

    @Test
    void createDescribeAndDeleteARepository() {
        Instant before = Instant.now().minusSeconds(1);
        Repository created =
                ecr.createRepository(r -> r.repositoryName("team/web")).repository();
        assertThat(created.repositoryArn()).isEqualTo("arn:aws:ecr:us-east-1:000000000000:repository/team/web");
        assertThat(created.registryId()).isEqualTo("000000000000");
        assertThat(created.repositoryUri()).isEqualTo(host + "/team/web").startsWith("127.0.0.1:");
        assertThat(created.createdAt()).isBetween(before, Instant.now().plusSeconds(1));
        assertThat(created.imageTagMutability()).isEqualTo(ImageTagMutability.MUTABLE);
        assertThat(created.imageScanningConfiguration().scanOnPush()).isFalse();
        assertThat(created.encryptionConfiguration().encryptionType()).isEqualTo(EncryptionType.AES256);

        Repository described = ecr.describeRepositories(r -> r.repositoryNames("team/web"))
                .repositories()
                .getFirst();
        assertThat(described).isEqualTo(created);
        assertThat(ecr.describeRepositories(r -> r.registryId("000000000000")).repositories())
                .extracting(Repository::repositoryName)
                .contains("team/web");

        Repository deleted =
                ecr.deleteRepository(r -> r.repositoryName("team/web")).repository();
        assertThat(deleted.repositoryArn()).isEqualTo(created.repositoryArn());
        assertThatThrownBy(() -> ecr.describeRepositories(r -> r.repositoryNames("team/web")))
                .isInstanceOf(RepositoryNotFoundException.class)
                .hasMessageContaining(
                        "The repository with name 'team/web' does not exist in the registry with id '000000000000'");
        assertThatThrownBy(() -> ecr.deleteRepository(r -> r.repositoryName("team/web")))
                .isInstanceOf(RepositoryNotFoundException.class);
    }

    @Test
    void createKeepsEveryOptionAndRefusesADuplicate() {
        Repository r = ecr.createRepository(b -> b.repositoryName("opts")
                        .imageTagMutability(ImageTagMutability.IMMUTABLE)
                        .imageScanningConfiguration(s -> s.scanOnPush(true))
                        .encryptionConfiguration(e -> e.encryptionType(EncryptionType.KMS))
                        .tags(Tag.builder().key("team").value("web").build()))
                .repository();
        assertThat(r.imageTagMutability()).isEqualTo(ImageTagMutability.IMMUTABLE);
        assertThat(r.imageScanningConfiguration().scanOnPush()).isTrue();
        assertThat(r.encryptionConfiguration().kmsKey()).isEqualTo("arn:aws:kms:us-east-1:000000000000:alias/aws/ecr");
        assertThat(ecr.listTagsForResource(b -> b.resourceArn(r.repositoryArn()))
                        .tags())
                .containsExactly(Tag.builder().key("team").value("web").build());
        assertThatThrownBy(() -> ecr.createRepository(b -> b.repositoryName("opts")))
                .isInstanceOf(RepositoryAlreadyExistsException.class)
                .hasMessageContaining(
                        "The repository with name 'opts' already exists in the registry with id '000000000000'");
        assertThatThrownBy(() -> ecr.createRepository(b -> b.repositoryName("aes")
                        .encryptionConfiguration(e -> e.encryptionType(EncryptionType.AES256)
                                .kmsKey("arn:aws:kms:us-east-1:000000000000:key/x"))))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("kmsKey");
    }

    @Test
    void concurrentCreatesOfOneNameLetExactlyOneWin() throws Exception {
        int n = 8;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
            var start = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < n; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        ecr.createRepository(b -> b.repositoryName("race"));
                        return true;
                    } catch (RepositoryAlreadyExistsException e) {
                        return false;
                    }
                }));
            }
            start.countDown();
            int won = 0;
            for (var f : results) {
                won += f.get() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void repositoryNamesFollowEcrsRules() {
        for (String bad : List.of(
                "Upper", "a", "../etc/passwd", "a//b", "-lead", "trail-", "a..b", "x".repeat(257), "a/b/", "sp ace")) {
            assertThatThrownBy(() -> ecr.createRepository(b -> b.repositoryName(bad)))
                    .as(bad)
                    .isInstanceOf(InvalidParameterException.class);
        }
        for (String good : List.of("ab", "a.b_c-d", "ns/sub/leaf", "x".repeat(256), "0-9")) {
            assertThat(ecr.createRepository(b -> b.repositoryName(good))
                            .repository()
                            .repositoryName())
                    .isEqualTo(good);
            ecr.deleteRepository(b -> b.repositoryName(good));
        }
        assertThatThrownBy(() -> ecr.describeRepositories(b -> b.repositoryNames("Nope")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining(
                        "Invalid parameter at 'repositoryNames.1.member' failed to satisfy constraint: "
                                + "'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''");
    }

    @Test
    void describeRepositoriesPages() {
        for (int i = 0; i < 5; i++) {
            int n = i;
            ecr.createRepository(b -> b.repositoryName("page/r" + n));
        }
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String t = token;
            DescribeRepositoriesResponse page =
                    ecr.describeRepositories(b -> b.maxResults(2).nextToken(t));
            page.repositories().forEach(r -> seen.add(r.repositoryName()));
            token = page.nextToken();
            pages++;
        } while (token != null);
        assertThat(seen).doesNotHaveDuplicates().contains("page/r0", "page/r4");
        assertThat(pages).isGreaterThanOrEqualTo(3);
        assertThat(ecr.describeRepositoriesPaginator(b -> b.maxResults(1)).repositories().stream()
                        .map(Repository::repositoryName))
                .containsAll(seen);
        assertThatThrownBy(() -> ecr.describeRepositories(
                        b -> b.repositoryNames("page/r0").maxResults(1)))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecr.describeRepositories(b -> b.nextToken("forged")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("nextToken");
        assertThatThrownBy(() -> ecr.describeRepositories(b -> b.maxResults(1001)))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecr.describeRepositories(b -> b.repositoryNames("page/r0", "page/none")))
                .isInstanceOf(RepositoryNotFoundException.class)
                .hasMessageContaining("page/none");
        assertThat(ecr.describeRepositories(b -> b.registryId("111111111111")).repositories())
                .isEmpty();
        assertThatThrownBy(() -> ecr.describeRepositories(
                        b -> b.registryId("111111111111").repositoryNames("page/r0")))
                .isInstanceOf(RepositoryNotFoundException.class)
                .hasMessageContaining("'111111111111'");
    }

    @Test
    void tagMutabilityAndScanningCanChange() {
        ecr.createRepository(b -> b.repositoryName("mut"));
        assertThat(ecr.putImageTagMutability(
                                b -> b.repositoryName("mut").imageTagMutability(ImageTagMutability.IMMUTABLE))
                        .imageTagMutability())
                .isEqualTo(ImageTagMutability.IMMUTABLE);
        assertThat(ecr.putImageScanningConfiguration(
                                b -> b.repositoryName("mut").imageScanningConfiguration(s -> s.scanOnPush(true)))
                        .imageScanningConfiguration()
                        .scanOnPush())
                .isTrue();
        var withExclusion = ecr.putImageTagMutability(b -> b.repositoryName("mut")
                .imageTagMutability(ImageTagMutability.IMMUTABLE_WITH_EXCLUSION)
                .imageTagMutabilityExclusionFilters(f -> f.filterType(ImageTagMutabilityExclusionFilterType.WILDCARD)
                        .filter("latest")));
        assertThat(withExclusion.imageTagMutabilityExclusionFilters())
                .singleElement()
                .satisfies(f -> assertThat(f.filter()).isEqualTo("latest"));
        Repository r = ecr.describeRepositories(b -> b.repositoryNames("mut"))
                .repositories()
                .getFirst();
        assertThat(r.imageTagMutability()).isEqualTo(ImageTagMutability.IMMUTABLE_WITH_EXCLUSION);
        assertThat(r.imageScanningConfiguration().scanOnPush()).isTrue();
        assertThat(r.imageTagMutabilityExclusionFilters()).hasSize(1);
        assertThatThrownBy(() -> ecr.putImageTagMutability(
                        b -> b.repositoryName("mut").imageTagMutability(ImageTagMutability.MUTABLE_WITH_EXCLUSION)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("imageTagMutabilityExclusionFilters");
        assertThatThrownBy(() -> ecr.putImageTagMutability(
                        b -> b.repositoryName("nope").imageTagMutability(ImageTagMutability.MUTABLE)))
                .isInstanceOf(RepositoryNotFoundException.class);
        assertThatThrownBy(() -> ecr.putImageScanningConfiguration(
                        b -> b.repositoryName("nope").imageScanningConfiguration(s -> s.scanOnPush(true))))
                .isInstanceOf(RepositoryNotFoundException.class);
    }

    @Test
    void repositoryPolicies() {
        ecr.createRepository(b -> b.repositoryName("pol"));
        assertThatThrownBy(() -> ecr.getRepositoryPolicy(b -> b.repositoryName("pol")))
                .isInstanceOf(RepositoryPolicyNotFoundException.class)
                .hasMessageContaining("Repository policy does not exist for the repository with name 'pol'");
        String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"pull\",\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"arn:aws:iam::000000000000:root\"},\"Action\":[\"ecr:BatchGetImage\",\"ecr:GetDownloadUrlForLayer\"]}]}";
        assertThat(ecr.setRepositoryPolicy(b -> b.repositoryName("pol").policyText(policy))
                        .policyText())
                .isEqualTo(policy);
        assertThat(ecr.getRepositoryPolicy(b -> b.repositoryName("pol")).policyText())
                .isEqualTo(policy);
        for (String bad : List.of(
                "not json",
                "{}",
                "{\"Statement\":[]}",
                "{\"Version\":\"2099-01-01\",\"Statement\":{}}",
                "{\"Statement\":{\"Effect\":\"Maybe\",\"Principal\":\"*\",\"Action\":\"ecr:*\"}}",
                "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"ecr:*\"}}",
                "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\"}}")) {
            assertThatThrownBy(() ->
                            ecr.setRepositoryPolicy(b -> b.repositoryName("pol").policyText(bad)))
                    .as(bad)
                    .isInstanceOf(InvalidParameterException.class)
                    .hasMessageContaining("Invalid repository policy provided");
        }
        assertThat(ecr.getRepositoryPolicy(b -> b.repositoryName("pol")).policyText())
                .isEqualTo(policy);
        assertThat(ecr.deleteRepositoryPolicy(b -> b.repositoryName("pol")).policyText())
                .isEqualTo(policy);
        assertThatThrownBy(() -> ecr.deleteRepositoryPolicy(b -> b.repositoryName("pol")))
                .isInstanceOf(RepositoryPolicyNotFoundException.class);
        assertThatThrownBy(() ->
                        ecr.setRepositoryPolicy(b -> b.repositoryName("nope").policyText(policy)))
                .isInstanceOf(RepositoryNotFoundException.class);
    }

    @Test
    void tags() {
        String arn = ecr.createRepository(b -> b.repositoryName("tagged"))
                .repository()
                .repositoryArn();
        ecr.tagResource(b -> b.resourceArn(arn)
                .tags(
                        Tag.builder().key("a").value("1").build(),
                        Tag.builder().key("b").value("2").build()));
        ecr.tagResource(
                b -> b.resourceArn(arn).tags(Tag.builder().key("a").value("3").build()));
        assertThat(ecr.listTagsForResource(b -> b.resourceArn(arn)).tags())
                .extracting(Tag::key, Tag::value)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a", "3"), org.assertj.core.groups.Tuple.tuple("b", "2"));
        ecr.untagResource(b -> b.resourceArn(arn).tagKeys("a", "zzz"));
        assertThat(ecr.listTagsForResource(b -> b.resourceArn(arn)).tags())
                .extracting(Tag::key)
                .containsExactly("b");

        List<Tag> fifty = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fifty.add(Tag.builder().key("k" + i).value("v").build());
        }
        assertThatThrownBy(() -> ecr.tagResource(b -> b.resourceArn(arn).tags(fifty)))
                .isInstanceOf(TooManyTagsException.class);
        assertThat(ecr.listTagsForResource(b -> b.resourceArn(arn)).tags()).hasSize(1);
        assertThatThrownBy(() -> ecr.tagResource(b -> b.resourceArn(arn)
                        .tags(Tag.builder().key("aws:x").value("v").build())))
                .isInstanceOf(InvalidTagParameterException.class);
        assertThatThrownBy(() -> ecr.tagResource(b -> b.resourceArn(arn)
                        .tags(Tag.builder().key("k".repeat(129)).value("v").build())))
                .isInstanceOf(InvalidTagParameterException.class);
        assertThatThrownBy(() -> ecr.tagResource(b -> b.resourceArn(arn)
                        .tags(Tag.builder().key("k").value("v".repeat(257)).build())))
                .isInstanceOf(InvalidTagParameterException.class);
        assertThatThrownBy(() -> ecr.listTagsForResource(
                        b -> b.resourceArn("arn:aws:ecr:us-east-1:000000000000:repository/none")))
                .isInstanceOf(RepositoryNotFoundException.class);
        assertThatThrownBy(() ->
                        ecr.listTagsForResource(b -> b.resourceArn("arn:aws:ecs:us-east-1:000000000000:cluster/x")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecr.listTagsForResource(b -> b.resourceArn("not-an-arn")))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void describeRegistry() {
        var r = ecr.describeRegistry(b -> {});
        assertThat(r.registryId()).isEqualTo("000000000000");
        assertThat(r.replicationConfiguration().rules()).isEmpty();
    }

    @Test
    void authorizationTokensAreTwelveHourRegistryPasswords() {
        Instant before = Instant.now();
        AuthorizationData data =
                ecr.getAuthorizationToken(b -> {}).authorizationData().getFirst();
        String decoded = new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
        assertThat(decoded).startsWith("AWS:");
        String password = decoded.substring(4);
        assertThat(password).doesNotContain(":");
        assertThat(data.expiresAt())
                .isBetween(
                        before.plus(Duration.ofHours(12)).minusSeconds(2),
                        Instant.now().plus(Duration.ofHours(12)));
        assertThat(data.proxyEndpoint()).isEqualTo("http://" + host);
        assertThat(server.server().registryTokens().verify(password)).contains(server.accessKeyId());
        assertThat(server.server().registryTokens().verify(password + "x")).isEmpty();
        assertThat(ecr.getAuthorizationToken(b -> b.registryIds("000000000000")).authorizationData())
                .hasSize(1);
        assertThatThrownBy(() -> ecr.getAuthorizationToken(b -> b.registryIds("111111111111")))
                .isInstanceOf(InvalidParameterException.class);
    }
}
