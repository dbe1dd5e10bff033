package dev.berth.agent.engine;

import static dev.berth.agent.engine.DockerFixture.awaitStatus;
import static dev.berth.agent.engine.DockerFixture.newId;
import static dev.berth.agent.engine.DockerFixture.task;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Image pulls through real dockerd from a registry on 127.0.0.1 ({@link FakeRegistry}):
 * credentials per container and per agent, and the ECS pull behaviours with and without a
 * cached image.
 */
class ImagePullTest {
    private DockerFixture docker;
    private final List<String> images = new ArrayList<>();

    @BeforeEach
    void setUp() {
        docker = new DockerFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        docker.close();
        var client = TaskEngine.connect(docker.config(), null);
        for (String image : images) {
            try {
                client.removeImageCmd(image).withForce(true).exec();
            } catch (NotFoundException ignored) {
                // never pulled
            }
        }
        client.close();
    }

    private String image(FakeRegistry registry) {
        String image = registry.address() + "/team/app-" + newId().substring(0, 8) + ":1";
        images.add(image);
        return image;
    }

    private int agents;

    /** A new agent (own instance id) with this pull behaviour. */
    private TaskEngine engine(ImagePullBehavior behavior) {
        return docker.open(docker.config(behavior.name() + "-" + agents++).withImagePullBehavior(behavior));
    }

    private static ContainerSpec app(String image, RegistryCredentials creds) {
        return ContainerSpec.builder("app", image)
                .command("sh", "-c", "exec sleep 600")
                .stopTimeout(1)
                .repositoryCredentials(creds)
                .build();
    }

    @Test
    void pullsFromAPrivateRegistryWithTheContainersCredentials() throws Exception {
        try (var registry = new FakeRegistry("AWS", "s3cret")) {
            String image = image(registry);
            var engine = engine(ImagePullBehavior.ALWAYS);

            var anonymous = task(newId(), app(image, null));
            engine.start(anonymous);
            TaskState failed = awaitStatus(engine, anonymous.taskArn(), TaskStatus.STOPPED, 30);
            assertThat(failed.stoppedReason()).startsWith("CannotPullContainerError");

            var spec = task(newId(), app(image, new RegistryCredentials(null, "AWS", "s3cret")));
            engine.start(spec);
            TaskState running = awaitStatus(engine, spec.taskArn(), TaskStatus.RUNNING, 60);
            assertThat(running.container("app").orElseThrow().imageDigest()).isEqualTo(registry.manifestDigest);
            assertThat(running.pullStartedAt()).isNotNull();
            assertThat(running.pullStoppedAt()).isAfterOrEqualTo(running.pullStartedAt());
            String basic = "Basic " + Base64.getEncoder().encodeToString("AWS:s3cret".getBytes(StandardCharsets.UTF_8));
            assertThat(registry.requests).anySatisfy(r -> {
                assertThat(r.path()).contains("/manifests/");
                assertThat(r.authorization()).isEqualTo(basic);
            });
            var label = docker.docker
                    .inspectContainerCmd(running.container("app").orElseThrow().runtimeId())
                    .exec()
                    .getConfig()
                    .getLabels()
                    .get("dev.berth.task-spec");
            assertThat(label).as("credentials never reach Docker labels").doesNotContain("s3cret");
        }
    }

    @Test
    void agentLevelCredentialsServeImagesWithoutTheirOwn() throws Exception {
        try (var registry = new FakeRegistry("AWS", "token")) {
            String image = image(registry);
            var engine = docker.open(docker.config("berth")
                    .withImagePullBehavior(ImagePullBehavior.ALWAYS)
                    .withRegistryCredentials(i -> i.startsWith(registry.address())
                            ? Optional.of(new RegistryCredentials(registry.address(), "AWS", "token"))
                            : Optional.empty()));
            var spec = task(newId(), app(image, null));
            engine.start(spec);
            awaitStatus(engine, spec.taskArn(), TaskStatus.RUNNING, 60);
        }
    }

    @Test
    void oncePullsOnlyTheFirstTime() throws Exception {
        try (var registry = new FakeRegistry(null, null)) {
            String image = image(registry);
            var engine = engine(ImagePullBehavior.ONCE);
            var first = task(newId(), app(image, null));
            engine.start(first);
            awaitStatus(engine, first.taskArn(), TaskStatus.RUNNING, 60);
            long pulls = registry.manifestRequests();
            assertThat(pulls).isPositive();

            var second = task(newId(), app(image, null));
            engine.start(second);
            TaskState running = awaitStatus(engine, second.taskArn(), TaskStatus.RUNNING, 30);
            assertThat(registry.manifestRequests()).isEqualTo(pulls);
            assertThat(running.pullStartedAt()).isNull();
        }
    }

    @Test
    void behavioursWhenTheRegistryIsDownButTheImageIsCached() throws Exception {
        String image;
        try (var registry = new FakeRegistry(null, null)) {
            image = image(registry);
            var seed = engine(ImagePullBehavior.ALWAYS);
            var spec = task(newId(), app(image, null));
            seed.start(spec);
            awaitStatus(seed, spec.taskArn(), TaskStatus.RUNNING, 60);
        }
        // the registry is gone; the image stays cached
        var withDefault = task(newId(), app(image, null));
        var defaultEngine = engine(ImagePullBehavior.DEFAULT);
        defaultEngine.start(withDefault);
        TaskState fellBack = awaitStatus(defaultEngine, withDefault.taskArn(), TaskStatus.RUNNING, 30);
        assertThat(fellBack.pullStartedAt()).as("default tried to pull first").isNotNull();

        var withPreferCached = task(newId(), app(image, null));
        var preferEngine = engine(ImagePullBehavior.PREFER_CACHED);
        preferEngine.start(withPreferCached);
        TaskState cached = awaitStatus(preferEngine, withPreferCached.taskArn(), TaskStatus.RUNNING, 30);
        assertThat(cached.pullStartedAt()).as("prefer-cached does not pull").isNull();

        for (var behavior : List.of(ImagePullBehavior.ALWAYS, ImagePullBehavior.ONCE)) {
            var spec = task(newId(), app(image, null));
            var engine = engine(behavior);
            engine.start(spec);
            TaskState stopped = awaitStatus(engine, spec.taskArn(), TaskStatus.STOPPED, 30);
            assertThat(stopped.stopCode()).as(behavior.name()).isEqualTo(StopCode.TASK_FAILED_TO_START);
            assertThat(stopped.stoppedReason())
                    .as(behavior.name())
                    .startsWith("CannotPullContainerError: Error response from daemon:");
        }
    }
}
