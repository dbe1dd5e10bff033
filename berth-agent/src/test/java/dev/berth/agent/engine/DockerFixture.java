package dev.berth.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real Docker Engine for the engine tests: checks it is reachable (failing, never skipping, when
 * it is not), builds the busybox test image locally once ({@code docker import} of a rootfs made
 * from /bin/busybox — nothing is ever pulled from Docker Hub), opens engines with a unique
 * instance id, records their events, and removes every container they made (label filter).
 */
final class DockerFixture implements AutoCloseable {
    static final String IMAGE = "berth-test/busybox:2";
    private static final String[] APPLETS = {
        "sh",
        "sleep",
        "httpd",
        "echo",
        "wget",
        "cat",
        "true",
        "false",
        "kill",
        "head",
        "tail",
        "ls",
        "mkdir",
        "touch",
        "rm",
        "grep",
        "test",
        "id",
        "hostname",
        "env",
        "pwd"
    };
    private static final AtomicInteger SEQ = new AtomicInteger();

    final String instanceId = "test-" + UUID.randomUUID().toString().substring(0, 8);
    final String hostIp = "127.0.0." + (11 + SEQ.getAndIncrement() % 200);
    final DockerClient docker;
    final List<TaskEvent> events = new CopyOnWriteArrayList<>();
    private final List<TaskEngine> engines = new CopyOnWriteArrayList<>();

    DockerFixture() {
        EngineConfig probe = config();
        docker = TaskEngine.connect(probe, Duration.ofMinutes(1));
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            throw new AssertionError(
                    "Docker Engine is not reachable at " + probe.dockerHost()
                            + " (scripts/test starts dockerd; or run `nohup dockerd >/var/log/dockerd.log 2>&1 &`): "
                            + e,
                    e);
        }
        ensureImage();
    }

    /** Fast settings for tests: cached images only, short stop timeout, no cleanup. */
    EngineConfig config() {
        return config(null);
    }

    /**
     * Settings for another agent of this fixture: a distinct instance id (an engine adopts every
     * container of its instance id, so two engines must never share one unless a test means a
     * restart), still cleaned up by {@link #close()}.
     */
    EngineConfig config(String agent) {
        return EngineConfig.defaults(agent == null ? instanceId : instanceId + "-" + agent, hostIp)
                .withImagePullBehavior(ImagePullBehavior.PREFER_CACHED)
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofSeconds(30));
    }

    TaskEngine open() {
        return open(config());
    }

    TaskEngine open(EngineConfig config) {
        TaskEngine engine = TaskEngine.open(config, events::add);
        engines.add(engine);
        return engine;
    }

    static String arn(String id) {
        return "arn:aws:ecs:us-east-1:000000000000:task/test/" + id;
    }

    static TaskSpec task(String id, ContainerSpec... containers) {
        return task(id, NetworkMode.BRIDGE, containers);
    }

    static TaskSpec task(String id, NetworkMode mode, ContainerSpec... containers) {
        return new TaskSpec(arn(id), "fam", 1, "test", mode, null, null, List.of(containers));
    }

    static ContainerSpec container(String name, String shell) {
        return ContainerSpec.of(name, IMAGE).withCommand("sh", "-c", shell);
    }

    static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** Waits until the task reaches {@code status} and returns that snapshot. */
    static TaskState awaitStatus(TaskEngine engine, String taskArn, TaskStatus status, int seconds) {
        await().atMost(Duration.ofSeconds(seconds))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> engine.task(taskArn).map(TaskState::knownStatus).orElse(null) == status);
        return engine.task(taskArn).orElseThrow();
    }

    /** The task events the listener received for one task, in order. */
    List<TaskState> taskChanges(String taskArn) {
        return events.stream()
                .filter(e -> e instanceof TaskStateChange && e.taskArn().equals(taskArn))
                .map(e -> ((TaskStateChange) e).task())
                .toList();
    }

    /** The container events the listener received for one container, in order. */
    List<ContainerState> containerChanges(String taskArn, String name) {
        return events.stream()
                .filter(e -> e instanceof ContainerStateChange c
                        && c.taskArn().equals(taskArn)
                        && c.container().name().equals(name))
                .map(e -> ((ContainerStateChange) e).container())
                .toList();
    }

    private void ensureImage() {
        try {
            docker.inspectImageCmd(IMAGE).exec();
            return;
        } catch (NotFoundException e) {
            // build it
        }
        try {
            // docker-java's createImageCmd (import) streams a truncated body over zerodep, so the
            // fixture uses the docker CLI for this one step
            Process importer = new ProcessBuilder(
                            "docker", "import", rootfsTar().toString(), IMAGE)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            assertThat(importer.waitFor()).as("docker import").isZero();
        } catch (IOException e) {
            throw new AssertionError("could not build " + IMAGE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Path rootfsTar;

    /** A tar of a tiny root filesystem: /bin/busybox, its applets as symlinks, /etc/passwd. */
    static synchronized Path rootfsTar() throws IOException, InterruptedException {
        if (rootfsTar != null) {
            return rootfsTar;
        }
        Path root = Files.createTempDirectory("berth-rootfs");
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("tmp"));
        Files.createDirectories(root.resolve("etc"));
        Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
        for (String applet : APPLETS) {
            Files.createSymbolicLink(root.resolve("bin/" + applet), Path.of("busybox"));
        }
        Files.writeString(
                root.resolve("etc/passwd"), "root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
        Path archive = Files.createTempFile("berth-rootfs", ".tar");
        archive.toFile().deleteOnExit();
        Process tar = new ProcessBuilder("tar", "-C", root.toString(), "-cf", archive.toString(), ".")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        assertThat(tar.waitFor()).isZero();
        rootfsTar = archive;
        return archive;
    }

    /** Closes the engines and removes every container labelled with this fixture's instance id. */
    @Override
    public void close() throws IOException {
        engines.forEach(TaskEngine::close);
        var leftovers = docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(List.of(Labels.INSTANCE))
                .exec();
        for (var c : leftovers) {
            if (!c.getLabels().get(Labels.INSTANCE).startsWith(instanceId)) {
                continue;
            }
            try {
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            } catch (NotFoundException ignored) {
                // removed concurrently
            }
        }
        docker.close();
    }
}
