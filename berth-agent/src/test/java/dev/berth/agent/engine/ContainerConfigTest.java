package dev.berth.agent.engine;

import static dev.berth.agent.engine.DockerFixture.IMAGE;
import static dev.berth.agent.engine.DockerFixture.awaitStatus;
import static dev.berth.agent.engine.DockerFixture.container;
import static dev.berth.agent.engine.DockerFixture.newId;
import static dev.berth.agent.engine.DockerFixture.task;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How container definitions land in Docker: read back with {@code docker inspect}. */
class ContainerConfigTest extends SharedEngine {

    private static final long MIB = 1024 * 1024;

    @Test
    void limitsLabelsAndProcessSettingsReachDocker() throws Exception {
        var spec = new TaskSpec(
                DockerFixture.arn(newId()),
                "shop",
                7,
                "prod",
                NetworkMode.BRIDGE,
                null,
                256,
                List.of(
                        ContainerSpec.builder("app", IMAGE)
                                .entryPoint("sh")
                                .command("-c", "pwd; id -u; hostname; exec sleep 600")
                                .environment(Map.of("COLOR", "blue"))
                                .cpu(256)
                                .memory(64)
                                .memoryReservation(32)
                                .workingDirectory("/tmp")
                                .user("65534")
                                .hostname("apphost")
                                .extraHosts(new HostEntry("db.internal", "10.0.0.5"))
                                .dockerLabels(Map.of("team", "payments"))
                                .ulimits(new Ulimit("nofile", 1024, 2048))
                                .stopTimeout(1)
                                .build(),
                        container("helper", "exec sleep 600").withTimeouts(1, null)));
        engine.start(spec);
        TaskState running = awaitStatus(engine, spec.taskArn(), TaskStatus.RUNNING, 30);

        var app = docker.docker
                .inspectContainerCmd(running.container("app").orElseThrow().runtimeId())
                .exec();
        var host = app.getHostConfig();
        assertThat(host.getMemory()).isEqualTo(64 * MIB);
        assertThat(host.getMemoryReservation()).isEqualTo(32 * MIB);
        assertThat(host.getCpuShares()).isEqualTo(256);
        assertThat(host.getNetworkMode()).isEqualTo("bridge");
        assertThat(host.getExtraHosts()).containsExactly("db.internal:10.0.0.5");
        assertThat(host.getUlimits()).singleElement().satisfies(u -> {
            assertThat(u.getName()).isEqualTo("nofile");
            assertThat(u.getSoftLong()).isEqualTo(1024);
            assertThat(u.getHardLong()).isEqualTo(2048);
        });
        var config = app.getConfig();
        assertThat(config.getEnv()).contains("COLOR=blue");
        assertThat(config.getEntrypoint()).containsExactly("sh");
        assertThat(config.getWorkingDir()).isEqualTo("/tmp");
        assertThat(config.getUser()).isEqualTo("65534");
        assertThat(config.getHostName()).isEqualTo("apphost");
        assertThat(config.getLabels())
                .containsEntry("team", "payments")
                .containsEntry("com.amazonaws.ecs.task-arn", spec.taskArn())
                .containsEntry("com.amazonaws.ecs.container-name", "app")
                .containsEntry("com.amazonaws.ecs.cluster", "prod")
                .containsEntry("com.amazonaws.ecs.task-definition-family", "shop")
                .containsEntry("com.amazonaws.ecs.task-definition-version", "7")
                .containsEntry("dev.berth.instance", docker.instanceId)
                .containsKey("dev.berth.task-spec");
        assertThat(app.getName()).isEqualTo("/berth-shop-7-app-" + spec.taskId());

        var helper = docker.docker
                .inspectContainerCmd(running.container("helper").orElseThrow().runtimeId())
                .exec()
                .getHostConfig();
        assertThat(helper.getCpuShares()).as("the ECS agent's minimum").isEqualTo(2);
        var cgroups = TaskCgroups.probe(docker.docker.infoCmd().exec().getCGroupDriver());
        if (cgroups.available()) {
            // the task's memory bounds the sum of its containers through their common parent cgroup
            assertThat(helper.getCgroupParent()).isEqualTo("/berth/" + spec.taskId());
            assertThat(host.getCgroupParent()).isEqualTo("/berth/" + spec.taskId());
            assertThat(helper.getMemory()).isZero();
            Path limit = cgroups.memoryLimitFile(spec);
            assertThat(Files.readString(limit).strip()).isEqualTo(Long.toString(256 * MIB));
            engine.stop(spec.taskArn(), null);
            awaitStatus(engine, spec.taskArn(), TaskStatus.STOPPED, 20);
            assertThat(limit.getParent()).as("released with the task").doesNotExist();
        } else {
            assertThat(helper.getMemory())
                    .as("fallback: task memory as the container's limit")
                    .isEqualTo(256 * MIB);
            engine.stop(spec.taskArn(), null);
        }
    }

    @Test
    void aContainerOverItsMemoryLimitIsReportedAsOutOfMemory() {
        var hog = container("hog", "head -c 200m /dev/zero | tail").withLimits(null, 16, null);
        var spec = task(newId(), hog);
        engine.start(spec);
        TaskState stopped = awaitStatus(engine, spec.taskArn(), TaskStatus.STOPPED, 30);
        ContainerState state = stopped.container("hog").orElseThrow();
        assertThat(state.reason()).isEqualTo("OutOfMemoryError: Container killed due to memory usage");
        assertThat(state.exitCode()).isEqualTo(137);
        assertThat(stopped.stopCode()).isEqualTo(StopCode.ESSENTIAL_CONTAINER_EXITED);
    }

    @Test
    void linksResolveToTheLinkedContainerInBridgeMode() {
        var db = container("db", "exec sleep 600").withTimeouts(1, null);
        var web = container("web", "grep -q database /etc/hosts").toBuilder()
                .essential(false)
                .links("db:database")
                .build();
        var spec = task(newId(), db, web);
        engine.start(spec);
        awaitStatus(engine, spec.taskArn(), TaskStatus.RUNNING, 30);
        org.awaitility.Awaitility.await()
                .until(() -> engine.task(spec.taskArn())
                                .flatMap(t -> t.container("web"))
                                .map(ContainerState::exitCode)
                                .orElse(-1)
                        == 0);
        TaskState state = engine.task(spec.taskArn()).orElseThrow();
        assertThat(state.container("web").orElseThrow().startedAt())
                .isAfterOrEqualTo(state.container("db").orElseThrow().startedAt());
        engine.stop(spec.taskArn(), null);
    }

    @Test
    void hostAndNoneNetworkModes() {
        var onHost = task(
                newId(),
                NetworkMode.HOST,
                container("app", "exec sleep 600")
                        .withTimeouts(1, null)
                        .withPortMappings(PortMapping.tcp(18080, null)));
        var isolated = task(
                newId(), NetworkMode.NONE, container("app", "exec sleep 600").withTimeouts(1, null));
        engine.start(onHost);
        engine.start(isolated);
        TaskState h = awaitStatus(engine, onHost.taskArn(), TaskStatus.RUNNING, 30);
        TaskState n = awaitStatus(engine, isolated.taskArn(), TaskStatus.RUNNING, 30);
        assertThat(h.container("app").orElseThrow().networkBindings())
                .containsExactly(new NetworkBinding("0.0.0.0", 18080, 18080, "tcp"));
        assertThat(mode(h)).isEqualTo("host");
        assertThat(mode(n)).isEqualTo("none");
        assertThat(n.container("app").orElseThrow().networkBindings()).isEmpty();
        engine.stop(onHost.taskArn(), null);
        engine.stop(isolated.taskArn(), null);
    }

    private static String mode(TaskState t) {
        return docker.docker
                .inspectContainerCmd(t.container("app").orElseThrow().runtimeId())
                .exec()
                .getHostConfig()
                .getNetworkMode();
    }

    @Test
    void invalidSpecsAreRejectedBeforeAnythingRuns() {
        var spec =
                task(newId(), NetworkMode.NONE, container("app", "true").withPortMappings(PortMapping.tcp(80, null)));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.start(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("portMappings are not allowed in network mode none");
        assertThat(engine.task(spec.taskArn())).isEmpty();
    }
}
