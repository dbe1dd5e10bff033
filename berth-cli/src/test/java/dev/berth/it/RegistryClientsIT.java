package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real registry clients against Berth's {@code /v2/}: the local Docker Engine ({@code docker login},
 * {@code push}, {@code pull}) and skopeo (copies in both directions, by tag and by digest).
 * Images come from {@link TestImages#busybox()}; nothing is pulled from Docker Hub. Every image tag
 * a test creates in the shared Docker Engine is removed afterwards.
 */
class RegistryClientsIT extends WithServer {

    static TestRegistry registry;

    @BeforeAll
    static void setUp() throws Exception {
        registry = new TestRegistry(server);
        TestImages.busybox();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        registry.docker("rmi", "-f", registry.host() + "/it/busybox:1", registry.host() + "/it/immutable:1");
    }

    @Test
    void dockerLoginPushAndPull() throws Exception {
        registry.createRepo("it/busybox", "MUTABLE");
        String ref = registry.host() + "/it/busybox:1";
        assertThat(registry.login().code()).as("docker login").isZero();
        assertThat(registry.docker("tag", TestImages.BUSYBOX, ref).code()).isZero();
        TestRegistry.Result push = registry.docker("push", ref);
        assertThat(push.code()).as(push.output()).isZero();
        assertThat(registry.docker("rmi", ref).code()).isZero();
        TestRegistry.Result pull = registry.docker("pull", ref);
        assertThat(pull.code()).as(pull.output()).isZero();
        assertThat(pull.output()).contains("Digest: sha256:");
        TestRegistry.Result run =
                registry.docker("run", "--rm", "--label", "dev.berth.test=registry", ref, "echo", "pulled-ok");
        assertThat(run.output()).contains("pulled-ok");
    }

    @Test
    void dockerPushToMissingRepositoryFails() throws Exception {
        String ref = registry.host() + "/it/nowhere:1";
        registry.login();
        registry.docker("tag", TestImages.BUSYBOX, ref);
        try {
            TestRegistry.Result push = registry.docker("push", ref);
            assertThat(push.code()).isNotZero();
            assertThat(push.output()).containsIgnoringCase("does not exist");
        } finally {
            registry.docker("rmi", ref);
        }
    }

    @Test
    void immutableTagCannotBeOverwrittenByDockerPush() throws Exception {
        registry.createRepo("it/immutable", "IMMUTABLE");
        String ref = registry.host() + "/it/immutable:1";
        registry.login();
        registry.docker("tag", TestImages.BUSYBOX, ref);
        assertThat(registry.docker("push", ref).code()).isZero();
        // A different image under the same tag: built from busybox with one more layer.
        Path ctx = Files.createTempDirectory("berth-it-build");
        Files.writeString(ctx.resolve("Dockerfile"), "FROM " + TestImages.BUSYBOX + "\nRUN echo changed > /changed\n");
        TestRegistry.Result build = registry.docker("build", "-q", "-t", ref, ctx.toString());
        assertThat(build.code()).as(build.output()).isZero();
        TestRegistry.Result push = registry.docker("push", ref);
        assertThat(push.code()).isNotZero();
        assertThat(push.output()).contains("cannot be overwritten because the repository is immutable");
    }

    @Test
    void skopeoCopiesBothWays() throws Exception {
        registry.createRepo("it/skopeo", "MUTABLE");
        String creds = "AWS:" + registry.password();
        Path dir = Files.createTempDirectory("berth-it-oci");
        TestRegistry.Result save = registry.skopeo("copy", "docker-daemon:" + TestImages.BUSYBOX, "oci:" + dir + ":bb");
        assertThat(save.code()).as(save.output()).isZero();
        TestRegistry.Result up = registry.skopeo(
                "copy",
                "--dest-tls-verify=false",
                "--dest-creds",
                creds,
                "oci:" + dir + ":bb",
                "docker://" + registry.host() + "/it/skopeo:v1");
        assertThat(up.code()).as(up.output()).isZero();
        TestRegistry.Result inspect = registry.skopeo(
                "inspect", "--tls-verify=false", "--creds", creds, "docker://" + registry.host() + "/it/skopeo:v1");
        assertThat(inspect.code()).as(inspect.output()).isZero();
        String digest = inspect.output().replaceAll("(?s).*\"Digest\": \"(sha256:[0-9a-f]+)\".*", "$1");
        Path back = Files.createTempDirectory("berth-it-oci-back");
        TestRegistry.Result down = registry.skopeo(
                "copy",
                "--src-tls-verify=false",
                "--src-creds",
                creds,
                "docker://" + registry.host() + "/it/skopeo@" + digest,
                "oci:" + back + ":bb");
        assertThat(down.code()).as(down.output()).isZero();
        assertThat(Files.readString(back.resolve("index.json"))).contains("\"size\"");
        var tags =
                registry.send(registry.request("/v2/it/skopeo/tags/list").GET().build());
        assertThat(tags.body()).isEqualTo("{\"name\":\"it/skopeo\",\"tags\":[\"v1\"]}");
        var bare = registry.http.send(
                HttpRequest.newBuilder(java.net.URI.create(server.endpoint() + "/v2/"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(bare.statusCode()).isEqualTo(401);
        assertThat(bare.headers().firstValue("WWW-Authenticate").orElseThrow())
                .isEqualTo("Basic realm=\"http://" + registry.host() + "\",service=\"ecr.amazonaws.com\"");
    }
}
