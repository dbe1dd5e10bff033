package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.EcrException;
import software.amazon.awssdk.services.ecr.model.ImageDetail;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecr.model.TagStatus;

/**
 * ECR's image and layer operations through the AWS SDK for Java v2 (and the AWS CLI), over images
 * pushed through {@code /v2/}: one registry, two front ends that must agree.
 */
class EcrImageIT extends WithServer {

    static TestRegistry registry;
    static EcrClient ecr;

    @BeforeAll
    static void setUp() {
        registry = new TestRegistry(server);
        RegistryOciIT.registry = registry;
        ecr = EcrClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(server.accessKeyId(), server.secretAccessKey())))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build();
        registry.createRepo("ecr/images", "MUTABLE");
        registry.createRepo("ecr/locked", "IMMUTABLE");
        registry.createRepo("ecr/layers", "MUTABLE");
    }

    static ImageIdentifier tag(String t) {
        return ImageIdentifier.builder().imageTag(t).build();
    }

    static ImageIdentifier digest(String d) {
        return ImageIdentifier.builder().imageDigest(d).build();
    }

    @Test
    void listDescribeGetAndDeleteWhatDockerPushed() throws Exception {
        String one = RegistryOciIT.pushImage("ecr/images", "one", 100);
        String two = RegistryOciIT.pushImage("ecr/images", "two", 101);
        RegistryOciIT.putManifest(
                "ecr/images",
                "also-two",
                "application/vnd.oci.image.manifest.v1+json",
                registry.send(registry.request("/v2/ecr/images/manifests/two")
                                .GET()
                                .build())
                        .body());
        String untagged = RegistryOciIT.pushImage("ecr/images", "temp", 102);
        registry.send(registry.request("/v2/ecr/images/manifests/temp").DELETE().build());

        var all = ecr.listImages(r -> r.repositoryName("ecr/images"));
        assertThat(all.imageIds())
                .hasSize(4)
                .contains(
                        ImageIdentifier.builder().imageDigest(untagged).build(),
                        ImageIdentifier.builder()
                                .imageDigest(one)
                                .imageTag("one")
                                .build());
        assertThat(ecr.listImages(r -> r.repositoryName("ecr/images").filter(f -> f.tagStatus(TagStatus.UNTAGGED)))
                        .imageIds())
                .containsExactly(digest(untagged));
        assertThat(ecr.listImagesPaginator(r -> r.repositoryName("ecr/images").maxResults(1)).imageIds().stream()
                        .toList())
                .hasSize(4);

        ImageDetail d = ecr.describeImages(r -> r.repositoryName("ecr/images").imageIds(tag("two")))
                .imageDetails()
                .getFirst();
        assertThat(d.imageDigest()).isEqualTo(two);
        assertThat(d.imageTags()).containsExactly("also-two", "two");
        assertThat(d.imageSizeInBytes()).isGreaterThan(1000);
        assertThat(d.imagePushedAt()).isNotNull();
        assertThat(d.imageManifestMediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(d.artifactMediaType()).isEqualTo("application/vnd.oci.image.config.v1+json");
        assertThat(d.registryId()).isEqualTo("000000000000");
        assertThat(d.lastRecordedPullTime()).as("pulled by the GET above").isNotNull();
        assertThat(ecr.describeImages(r -> r.repositoryName("ecr/images").filter(f -> f.tagStatus(TagStatus.TAGGED)))
                        .imageDetails())
                .hasSize(2);
        assertThatThrownBy(() ->
                        ecr.describeImages(r -> r.repositoryName("ecr/images").imageIds(tag("nope"))))
                .isInstanceOfSatisfying(
                        EcrException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ImageNotFoundException"));

        var got = ecr.batchGetImage(
                r -> r.repositoryName("ecr/images").imageIds(tag("one"), tag("missing"), digest("sha256:zz")));
        assertThat(got.images()).hasSize(1);
        assertThat(got.images().getFirst().imageManifest()).contains("\"schemaVersion\":2");
        assertThat(got.failures())
                .extracting(f -> f.failureCodeAsString())
                .containsExactly("ImageNotFound", "InvalidImageDigest");
        var refused = ecr.batchGetImage(r -> r.repositoryName("ecr/images")
                .imageIds(tag("one"))
                .acceptedMediaTypes("application/vnd.docker.distribution.manifest.v2+json"));
        assertThat(refused.images()).isEmpty();
        assertThat(refused.failures()).hasSize(1);

        var del = ecr.batchDeleteImage(
                r -> r.repositoryName("ecr/images").imageIds(tag("also-two"), digest(one), tag("missing")));
        assertThat(del.imageIds()).extracting(ImageIdentifier::imageTag).containsExactlyInAnyOrder("also-two", "one");
        assertThat(del.failures()).extracting(f -> f.failureCodeAsString()).containsExactly("ImageNotFound");
        assertThat(registry.send(registry.request("/v2/ecr/images/manifests/two")
                                .GET()
                                .build())
                        .statusCode())
                .as("the image keeps its other tag")
                .isEqualTo(200);
        assertThat(registry.send(registry.request("/v2/ecr/images/manifests/" + one)
                                .GET()
                                .build())
                        .statusCode())
                .isEqualTo(404);

        assertThatThrownBy(() -> ecr.listImages(r -> r.repositoryName("ecr/none")))
                .isInstanceOfSatisfying(EcrException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RepositoryNotFoundException");
                    assertThat(e.getMessage())
                            .contains(
                                    "The repository with name 'ecr/none' does not exist in the registry with id '000000000000'");
                });
        assertThatThrownBy(
                        () -> ecr.listImages(r -> r.repositoryName("ecr/images").nextToken("forged")))
                .isInstanceOfSatisfying(
                        EcrException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterException"));
    }

    @Test
    void putImageFollowsThePushRules() throws Exception {
        String first = RegistryOciIT.pushImage("ecr/locked", "v1", 200);
        String manifest = registry.send(
                        registry.request("/v2/ecr/locked/manifests/v1").GET().build())
                .body();
        var put = ecr.putImage(
                r -> r.repositoryName("ecr/locked").imageManifest(manifest).imageTag("v1-copy"));
        assertThat(put.image().imageId().imageDigest()).isEqualTo(first);
        assertThatThrownBy(() -> ecr.putImage(r ->
                        r.repositoryName("ecr/locked").imageManifest(manifest).imageTag("v1-copy")))
                .isInstanceOfSatisfying(
                        EcrException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ImageAlreadyExistsException"));
        String other = RegistryOciIT.pushImage("ecr/locked", "v2", 201);
        String otherManifest = registry.send(registry.request("/v2/ecr/locked/manifests/" + other)
                        .GET()
                        .build())
                .body();
        assertThatThrownBy(() -> ecr.putImage(r -> r.repositoryName("ecr/locked")
                        .imageManifest(otherManifest)
                        .imageTag("v1")))
                .isInstanceOfSatisfying(EcrException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ImageTagAlreadyExistsException");
                    assertThat(e.getMessage()).contains("cannot be overwritten because the repository is immutable");
                });
        String missing = RegistryOciIT.sha("sha256", "nothing".getBytes());
        assertThatThrownBy(() -> ecr.putImage(r -> r.repositoryName("ecr/locked")
                        .imageTag("x")
                        .imageManifest(RegistryOciIT.imageManifest(missing, 7, missing, 7))))
                .isInstanceOfSatisfying(
                        EcrException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("LayersNotFoundException"));
        assertThatThrownBy(() -> ecr.putImage(r -> r.repositoryName("ecr/locked")
                        .imageTag("y")
                        .imageManifest(manifest)
                        .imageDigest(missing)))
                .isInstanceOfSatisfying(
                        EcrException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ImageDigestDoesNotMatchException"));
        assertThatThrownBy(() -> ecr.putImage(
                        r -> r.repositoryName("ecr/locked").imageTag("z").imageManifest("{\"schemaVersion\":2}")))
                .isInstanceOfSatisfying(
                        EcrException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterException"));
    }

    @Test
    void layerUploadsCheckAndDownload() throws Exception {
        byte[] content = RegistryOciIT.random(6 * 1024 * 1024 + 100, 300);
        String d = RegistryOciIT.sha("sha256", content);
        String id = ecr.initiateLayerUpload(r -> r.repositoryName("ecr/layers")).uploadId();
        int split = 5 * 1024 * 1024;
        var p1 = ecr.uploadLayerPart(r -> r.repositoryName("ecr/layers")
                .uploadId(id)
                .partFirstByte(0L)
                .partLastByte((long) split - 1)
                .layerPartBlob(SdkBytes.fromByteArray(java.util.Arrays.copyOfRange(content, 0, split))));
        assertThat(p1.lastByteReceived()).isEqualTo(split - 1);
        assertThatThrownBy(() -> ecr.uploadLayerPart(r -> r.repositoryName("ecr/layers")
                        .uploadId(id)
                        .partFirstByte(10L)
                        .partLastByte(20L)
                        .layerPartBlob(SdkBytes.fromByteArray(new byte[11]))))
                .isInstanceOfSatisfying(
                        EcrException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidLayerPartException"));
        ecr.uploadLayerPart(r -> r.repositoryName("ecr/layers")
                .uploadId(id)
                .partFirstByte((long) split)
                .partLastByte((long) content.length - 1)
                .layerPartBlob(SdkBytes.fromByteArray(java.util.Arrays.copyOfRange(content, split, content.length))));
        var done = ecr.completeLayerUpload(
                r -> r.repositoryName("ecr/layers").uploadId(id).layerDigests(d));
        assertThat(done.layerDigest()).isEqualTo(d);

        var check = ecr.batchCheckLayerAvailability(
                r -> r.repositoryName("ecr/layers").layerDigests(d, RegistryOciIT.sha("sha256", new byte[1])));
        assertThat(check.layers()).singleElement().satisfies(l -> {
            assertThat(l.layerAvailabilityAsString()).isEqualTo("AVAILABLE");
            assertThat(l.layerSize()).isEqualTo(content.length);
        });
        assertThat(check.failures()).extracting(f -> f.failureCodeAsString()).containsExactly("MissingLayerDigest");

        String url = ecr.getDownloadUrlForLayer(
                        r -> r.repositoryName("ecr/layers").layerDigest(d))
                .downloadUrl();
        var fetched = registry.http.send(
                HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(fetched.body()).isEqualTo(content);
        assertThatThrownBy(() -> ecr.getDownloadUrlForLayer(
                        r -> r.repositoryName("ecr/layers").layerDigest(RegistryOciIT.sha("sha256", new byte[2]))))
                .isInstanceOfSatisfying(
                        EcrException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("LayersNotFoundException"));

        String again =
                ecr.initiateLayerUpload(r -> r.repositoryName("ecr/layers")).uploadId();
        ecr.uploadLayerPart(r -> r.repositoryName("ecr/layers")
                .uploadId(again)
                .partFirstByte(0L)
                .partLastByte(9L)
                .layerPartBlob(SdkBytes.fromByteArray(new byte[10])));
        assertThatThrownBy(() -> ecr.completeLayerUpload(r -> r.repositoryName("ecr/layers")
                        .uploadId(again)
                        .layerDigests(RegistryOciIT.sha("sha256", new byte[11]))))
                .isInstanceOfSatisfying(
                        EcrException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidLayerException"));

        String small =
                ecr.initiateLayerUpload(r -> r.repositoryName("ecr/layers")).uploadId();
        ecr.uploadLayerPart(r -> r.repositoryName("ecr/layers")
                .uploadId(small)
                .partFirstByte(0L)
                .partLastByte(9L)
                .layerPartBlob(SdkBytes.fromByteArray(new byte[10])));
        ecr.uploadLayerPart(r -> r.repositoryName("ecr/layers")
                .uploadId(small)
                .partFirstByte(10L)
                .partLastByte(19L)
                .layerPartBlob(SdkBytes.fromByteArray(new byte[10])));
        assertThatThrownBy(() -> ecr.completeLayerUpload(r -> r.repositoryName("ecr/layers")
                        .uploadId(small)
                        .layerDigests(RegistryOciIT.sha("sha256", new byte[20]))))
                .isInstanceOfSatisfying(
                        EcrException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("LayerPartTooSmallException"));
        assertThatThrownBy(() -> ecr.uploadLayerPart(r -> r.repositoryName("ecr/layers")
                        .uploadId("00000000-0000-0000-0000-000000000000")
                        .partFirstByte(0L)
                        .partLastByte(0L)
                        .layerPartBlob(SdkBytes.fromByteArray(new byte[1]))))
                .isInstanceOfSatisfying(
                        EcrException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UploadNotFoundException"));
    }

    @Test
    void twentyMiBPartsRoundTripAndOnlyUploadLayerPartTakesBodiesOver8MiB() throws Exception {
        int max = 20 * 1024 * 1024;
        registry.createRepo("ecr/big", "MUTABLE");
        byte[] content = RegistryOciIT.random(max, 301);
        String d = RegistryOciIT.sha("sha256", content);
        String id = ecr.initiateLayerUpload(r -> r.repositoryName("ecr/big")).uploadId();

        byte[] oneTooMany = java.util.Arrays.copyOf(content, max + 1);
        assertThatThrownBy(() -> ecr.uploadLayerPart(r -> r.repositoryName("ecr/big")
                        .uploadId(id)
                        .partFirstByte(0L)
                        .partLastByte((long) max)
                        .layerPartBlob(SdkBytes.fromByteArray(oneTooMany))))
                .isInstanceOfSatisfying(EcrException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterException");
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo(
                                    "1 validation error detected: Value at "
                                            + "'layerPartBlob' failed to satisfy constraint: Member must have length less than or equal to 20971520");
                });
        byte[] farTooMany = new byte[21 * 1024 * 1024];
        assertThatThrownBy(() -> ecr.uploadLayerPart(r -> r.repositoryName("ecr/big")
                        .uploadId(id)
                        .partFirstByte(0L)
                        .partLastByte((long) farTooMany.length - 1)
                        .layerPartBlob(SdkBytes.fromByteArray(farTooMany))))
                .isInstanceOfSatisfying(EcrException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestEntityTooLargeException");
                    assertThat(e.statusCode()).isEqualTo(413);
                });

        var part = ecr.uploadLayerPart(r -> r.repositoryName("ecr/big")
                .uploadId(id)
                .partFirstByte(0L)
                .partLastByte((long) max - 1)
                .layerPartBlob(SdkBytes.fromByteArray(content)));
        assertThat(part.lastByteReceived()).isEqualTo(max - 1);
        assertThat(ecr.completeLayerUpload(
                                r -> r.repositoryName("ecr/big").uploadId(id).layerDigests(d))
                        .layerDigest())
                .isEqualTo(d);
        assertThat(ecr.batchCheckLayerAvailability(
                                r -> r.repositoryName("ecr/big").layerDigests(d))
                        .layers())
                .singleElement()
                .satisfies(l -> assertThat(l.layerSize()).isEqualTo(max));
        String url = ecr.getDownloadUrlForLayer(r -> r.repositoryName("ecr/big").layerDigest(d))
                .downloadUrl();
        var fetched = registry.http.send(
                HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(RegistryOciIT.sha("sha256", fetched.body())).isEqualTo(d);

        // Every other operation keeps the 8 MiB cap: a 9 MiB manifest never reaches validation.
        String manifest = "x".repeat(9 * 1024 * 1024);
        assertThatThrownBy(() -> ecr.putImage(
                        r -> r.repositoryName("ecr/big").imageTag("huge").imageManifest(manifest)))
                .isInstanceOfSatisfying(EcrException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestEntityTooLargeException");
                    assertThat(e.statusCode()).isEqualTo(413);
                    assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("The request body is larger than 8388608 bytes.");
                });
    }

    @Test
    void theAwsCliSeesPushedImages() throws Exception {
        registry.createRepo("ecr/cli", "MUTABLE");
        String digest = RegistryOciIT.pushImage("ecr/cli", "latest", 400);
        ProcessBuilder pb = new ProcessBuilder(
                "/usr/bin/aws",
                "ecr",
                "describe-images",
                "--repository-name",
                "ecr/cli",
                "--endpoint-url",
                server.endpoint().toString(),
                "--region",
                "us-east-1",
                "--output",
                "json");
        Map<String, String> env = pb.environment();
        env.put("AWS_ACCESS_KEY_ID", server.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", server.secretAccessKey());
        env.put("AWS_CONFIG_FILE", "/dev/null");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        Process p1 = pb.redirectErrorStream(true).start();
        String described = new String(p1.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p1.waitFor()).as(described).isZero();
        assertThat(described).contains(digest).contains("\"latest\"").contains("imagePushedAt");
        List<String> del = List.of(
                "/usr/bin/aws",
                "ecr",
                "batch-delete-image",
                "--repository-name",
                "ecr/cli",
                "--image-ids",
                "imageTag=latest",
                "--endpoint-url",
                server.endpoint().toString(),
                "--region",
                "us-east-1");
        ProcessBuilder pb2 = new ProcessBuilder(del);
        pb2.environment().putAll(env);
        Process p = pb2.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains(digest);
        assertThat(registry.send(registry.request("/v2/ecr/cli/tags/list").GET().build())
                        .body())
                .contains("\"tags\":[]");
    }
}
