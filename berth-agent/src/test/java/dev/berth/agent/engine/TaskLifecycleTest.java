package dev.berth.agent.engine;

import static dev.berth.agent.engine.DockerFixture.awaitStatus;
import static dev.berth.agent.engine.DockerFixture.container;
import static dev.berth.agent.engine.DockerFixture.newId;
import static dev.berth.agent.engine.DockerFixture.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tasks on real Docker: running, ports, stopping, essential exits, pull failures, recovery. */
class TaskLifecycleTest {
    private static final String HTTPD =
            "mkdir -p /www && echo hello-$NAME > /www/index.html && exec httpd -f -p 8080 -h /www";

    private DockerFixture docker;
    private TaskEngine engine;

    @BeforeEach
    void setUp() {
        docker = new DockerFixture();
        engine = docker.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        docker.close();
    }

    private static ContainerSpec httpd(String name, Integer hostPort) {
        return container(name, HTTPD).toBuilder()
                .portMappings(PortMapping.tcp(8080, hostPort))
                .environment(Map.of("NAME", name))
                .stopTimeout(2)
                .build();
    }

    private static String get(String ip, int port) throws Exception {
        try (var http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            var request = HttpRequest.newBuilder(URI.create("http://" + ip + ":" + port + "/"))
                    .timeout(Duration.ofSeconds(3))
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.ofString())
                    .body()
                    .strip();
        }
    }

    @Test
    void runsAndServesOnADynamicHostPortOfTheHostIp() throws Exception {
        var spec = task(newId(), httpd("web", null));
        TaskState accepted = engine.start(spec);
        assertThat(accepted.knownStatus()).isEqualTo(TaskStatus.PROVISIONING);

        TaskState running = awaitStatus(engine, spec.taskArn(), TaskStatus.RUNNING, 30);
        ContainerState web = running.container("web").orElseThrow();
        assertThat(web.lastStatus()).isEqualTo("RUNNING");
        assertThat(web.runtimeId()).hasSize(64);
        assertThat(web.imageDigest()).startsWith("sha256:");
        assertThat(web.networkBindings()).hasSize(1);
        NetworkBinding binding = web.networkBindings().getFirst();
        assertThat(binding.bindIP()).isEqualTo(docker.hostIp);
        assertThat(binding.containerPort()).isEqualTo(8080);
        assertThat(binding.hostPort()).isGreaterThan(1024);
        assertThat(binding.protocol()).isEqualTo("tcp");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> get(docker.hostIp, binding.hostPort())
                .equals("hello-web"));

        assertThat(docker.taskChanges(spec.taskArn()))
                .extracting(TaskState::knownStatus)
                .containsSubsequence(
                        TaskStatus.PROVISIONING, TaskStatus.PENDING, TaskStatus.ACTIVATING, TaskStatus.RUNNING);
        assertThat(running.startedAt()).isNotNull();
        assertThat(engine.start(spec).knownStatus()).as("start is idempotent").isEqualTo(TaskStatus.RUNNING);
        assertThat(engine.tasks()).extracting(TaskState::taskArn).containsExactly(spec.taskArn());
    }

    @Test
    void publishesAStaticHostPort() throws Exception {
        int port;
        try (var probe = new ServerSocket(0, 1, InetAddress.getByName(docker.hostIp))) {
            port = probe.getLocalPort();
        }
        var spec = task(newId(), httpd("web", port));
        engine.start(spec);
        TaskState running = awaitStatus(engine, spec.taskArn(), TaskStatus.RUNNING, 30);
        assertThat(running.container("web").orElseThrow().networkBindings())
                .containsExactly(new NetworkBinding(docker.hostIp, 8080, port, "tcp"));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> get(docker.hostIp, port)
                .equals("hello-web"));
    }

    @Test
    void stopSendsSigtermThenSigkillAfterStopTimeout() {
        var graceful = container("graceful", "trap 'exit 0' TERM; while true; do sleep 0.2; done")
                .withTimeouts(2, null);
        var stubborn = container("stubborn", "trap '' TERM; while true; do sleep 0.2; done")
                .withTimeouts(2, null);
        var spec = task(newId(), graceful, stubborn);
        engine.start(spec);
        awaitStatus(engine, spec.taskArn(), TaskStatus.RUNNING, 30);

        Instant stopAt = Instant.now();
        assertThat(engine.stop(spec.taskArn(), "scaling down")).isTrue();
        TaskState stopped = awaitStatus(engine, spec.taskArn(), TaskStatus.STOPPED, 20);

        assertThat(stopped.stopCode()).isEqualTo(StopCode.USER_INITIATED);
        assertThat(stopped.stoppedReason()).isEqualTo("scaling down");
        assertThat(stopped.desiredStatus()).isEqualTo(TaskStatus.STOPPED);
        ContainerState g = stopped.container("graceful").orElseThrow();
        ContainerState s = stopped.container("stubborn").orElseThrow();
        assertThat(g.exitCode()).isZero();
        assertThat(Duration.between(stopAt, g.finishedAt())).isLessThan(Duration.ofMillis(1500));
        assertThat(s.exitCode()).isEqualTo(137);
        assertThat(Duration.between(stopAt, s.finishedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(1800))
                .isLessThan(Duration.ofSeconds(6));
        assertThat(stopped.stoppingAt()).isNotNull();
        assertThat(stopped.executionStoppedAt()).isNotNull();
        assertThat(stopped.stoppedAt()).isAfterOrEqualTo(stopped.executionStoppedAt());
        assertThat(docker.taskChanges(spec.taskArn()))
                .extracting(TaskState::knownStatus)
                .containsSubsequence(
                        TaskStatus.RUNNING,
                        TaskStatus.DEACTIVATING,
                        TaskStatus.STOPPING,
                        TaskStatus.DEPROVISIONING,
                        TaskStatus.STOPPED);
        assertThat(engine.stop(spec.taskArn(), StopCode.SERVICE_SCHEDULER_INITIATED, "again"))
                .isTrue();
        await().during(Duration.ofMillis(300)).until(() -> true);
        assertThat(engine.task(spec.taskArn()).orElseThrow().stopCode())
                .as("the first stop decision sticks")
                .isEqualTo(StopCode.USER_INITIATED);
    }

    @Test
    void anEssentialContainerExitingStopsTheTask() {
        var main = container("main", "sleep 1; exit 3");
        var side = container("side", "trap 'exit 0' TERM; while true; do sleep 0.2; done")
                .withEssential(false)
                .withTimeouts(2, null);
        var spec = task(newId(), main, side);
        engine.start(spec);
        TaskState stopped = awaitStatus(engine, spec.taskArn(), TaskStatus.STOPPED, 30);
        assertThat(stopped.stopCode()).isEqualTo(StopCode.ESSENTIAL_CONTAINER_EXITED);
        assertThat(stopped.stoppedReason()).isEqualTo("Essential container in task exited");
        assertThat(stopped.container("main").orElseThrow().exitCode()).isEqualTo(3);
        assertThat(stopped.container("side").orElseThrow().exitCode()).isZero();
        assertThat(docker.containerChanges(spec.taskArn(), "main"))
                .extracting(ContainerState::lastStatus)
                .containsSubsequence("PENDING", "RUNNING", "STOPPED");
    }

    @Test
    void aNonEssentialContainerExitingLeavesTheTaskRunning() {
        var main = container("main", "trap 'exit 0' TERM; while true; do sleep 0.2; done");
        var side = container("side", "exit 5").withEssential(false);
        var spec = task(newId(), main, side);
        engine.start(spec);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> engine.task(spec.taskArn())
                                .flatMap(t -> t.container("side"))
                                .map(ContainerState::exitCode)
                                .orElse(-1)
                        == 5);
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> engine.task(spec.taskArn()).orElseThrow().knownStatus() == TaskStatus.RUNNING);
        assertThat(engine.task(spec.taskArn()).orElseThrow().desiredStatus()).isEqualTo(TaskStatus.RUNNING);
    }

    @Test
    void anUnpullableImageFailsTheTaskWithCannotPullContainerError() {
        var failing = docker.open(docker.config("default-pull").withImagePullBehavior(ImagePullBehavior.DEFAULT));
        var spec = task(newId(), ContainerSpec.of("app", "127.0.0.1:9/berth/nothing:1"));
        failing.start(spec);
        TaskState stopped = awaitStatus(failing, spec.taskArn(), TaskStatus.STOPPED, 30);
        assertThat(stopped.stopCode()).isEqualTo(StopCode.TASK_FAILED_TO_START);
        assertThat(stopped.stoppedReason()).startsWith("CannotPullContainerError");
        ContainerState app = stopped.container("app").orElseThrow();
        assertThat(app.lastStatus()).isEqualTo("STOPPED");
        assertThat(app.reason()).startsWith("CannotPullContainerError");
        assertThat(app.runtimeId()).isNull();
        assertThat(stopped.pullStartedAt()).isNotNull();
        assertThat(stopped.pullStoppedAt()).isAfterOrEqualTo(stopped.pullStartedAt());
        assertThat(docker.taskChanges(spec.taskArn()))
                .extracting(TaskState::knownStatus)
                .containsSubsequence(TaskStatus.PENDING, TaskStatus.STOPPING, TaskStatus.STOPPED)
                .doesNotContain(TaskStatus.RUNNING);
    }

    @Test
    void aNewEngineAdoptsTheContainersOfAnEarlierOne() {
        var spec = task(newId(), container("main", "trap 'exit 0' TERM; while true; do sleep 0.2; done"));
        engine.start(spec);
        String runtimeId = awaitStatus(engine, spec.taskArn(), TaskStatus.RUNNING, 30)
                .container("main")
                .orElseThrow()
                .runtimeId();
        engine.close();

        var stranger = docker.open(docker.config("someone-else"));
        assertThat(stranger.tasks()).isEmpty();

        TaskEngine restarted = docker.open();
        TaskState adopted = restarted.task(spec.taskArn()).orElseThrow();
        assertThat(adopted.knownStatus()).isEqualTo(TaskStatus.RUNNING);
        assertThat(adopted.container("main").orElseThrow().runtimeId()).isEqualTo(runtimeId);
        restarted.stop(spec.taskArn(), null);
        TaskState stopped = awaitStatus(restarted, spec.taskArn(), TaskStatus.STOPPED, 20);
        assertThat(stopped.stoppedReason()).isEqualTo("Task stopped by user");
        assertThat(stopped.container("main").orElseThrow().exitCode()).isZero();
    }

    @Test
    void stoppedTasksAreCleanedUpAfterTheCleanupWait() {
        var quick = docker.open(docker.config("quick-cleanup").withTaskCleanupWait(Duration.ofSeconds(1)));
        var spec = task(newId(), container("main", "exit 0"));
        quick.start(spec);
        String id = awaitStatus(quick, spec.taskArn(), TaskStatus.STOPPED, 30)
                .container("main")
                .orElseThrow()
                .runtimeId();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> quick.task(spec.taskArn()).isEmpty());
        assertThat(docker.docker
                        .listContainersCmd()
                        .withShowAll(true)
                        .withIdFilter(java.util.List.of(id))
                        .exec())
                .isEmpty();
    }
}
