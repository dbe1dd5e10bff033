package dev.berth.agent.engine;

import static dev.berth.agent.engine.DependencyCondition.COMPLETE;
import static dev.berth.agent.engine.DependencyCondition.HEALTHY;
import static dev.berth.agent.engine.DependencyCondition.START;
import static dev.berth.agent.engine.DependencyCondition.SUCCESS;
import static dev.berth.agent.engine.DockerFixture.awaitStatus;
import static dev.berth.agent.engine.DockerFixture.container;
import static dev.berth.agent.engine.DockerFixture.newId;
import static dev.berth.agent.engine.DockerFixture.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.async.ResultCallback;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** dependsOn ordering and Docker health checks, on real containers. */
class DependsOnAndHealthTest extends SharedEngine {

    private static final String LOOP = "trap 'exit 0' TERM; while true; do sleep 0.2; done";

    private static HealthCheckSpec fileCheck(String path) {
        return new HealthCheckSpec(List.of("CMD-SHELL", "test -f " + path), 1, 1, 1, 0);
    }

    @Test
    void containersStartOnlyWhenTheirConditionsAreMet() {
        var init = container("init", "sleep 1; exit 0").withEssential(false);
        var migrate = container("migrate", "exit 4").withEssential(false);
        var db = container("db", "sleep 1; touch /tmp/ready; " + LOOP).withHealthCheck(fileCheck("/tmp/ready"));
        var app = container("app", LOOP)
                .withDependsOn(
                        new ContainerDependency("init", SUCCESS),
                        new ContainerDependency("migrate", COMPLETE),
                        new ContainerDependency("db", HEALTHY));
        var sidecar = container("sidecar", LOOP).withDependsOn(new ContainerDependency("app", START));
        var spec = task(newId(), sidecar, app, db, migrate, init);
        engine.start(spec);
        TaskState running = awaitStatus(engine, spec.taskArn(), TaskStatus.RUNNING, 40);

        ContainerState initState = running.container("init").orElseThrow();
        ContainerState migrateState = running.container("migrate").orElseThrow();
        ContainerState appState = running.container("app").orElseThrow();
        assertThat(initState.exitCode()).isZero();
        assertThat(migrateState.exitCode()).isEqualTo(4);
        assertThat(appState.startedAt())
                .isAfterOrEqualTo(initState.finishedAt())
                .isAfterOrEqualTo(migrateState.finishedAt());
        assertThat(running.container("db").orElseThrow().healthStatus()).isEqualTo(HealthStatus.HEALTHY);
        var dbHealthy = docker.containerChanges(spec.taskArn(), "db").stream()
                .filter(c -> c.healthStatus() == HealthStatus.HEALTHY)
                .findFirst()
                .orElseThrow();
        assertThat(docker.events.indexOf(firstRunning(spec.taskArn(), "app")))
                .as("app starts after db became healthy")
                .isGreaterThan(docker.events.indexOf(new ContainerStateChange(spec.taskArn(), dbHealthy)));
        assertThat(running.container("sidecar").orElseThrow().startedAt()).isAfterOrEqualTo(appState.startedAt());
        assertThat(running.desiredStatus()).isEqualTo(TaskStatus.RUNNING);
        engine.stop(spec.taskArn(), null);
        TaskState stopped = awaitStatus(engine, spec.taskArn(), TaskStatus.STOPPED, 20);
        assertThat(stopped.container("sidecar").orElseThrow().finishedAt())
                .as("dependents stop before their dependencies")
                .isBeforeOrEqualTo(stopped.container("app").orElseThrow().finishedAt());
    }

    private static TaskEvent firstRunning(String arn, String name) {
        return docker.events.stream()
                .filter(e -> e instanceof ContainerStateChange c
                        && c.taskArn().equals(arn)
                        && c.container().name().equals(name)
                        && c.container().status() == ContainerStatus.RUNNING)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void anUnmetSuccessConditionFailsTheTaskToStart() {
        var check = container("check", "exit 2").withEssential(false);
        var app = container("app", LOOP).withDependsOn(new ContainerDependency("check", SUCCESS));
        var spec = task(newId(), app, check);
        engine.start(spec);
        TaskState stopped = awaitStatus(engine, spec.taskArn(), TaskStatus.STOPPED, 30);
        assertThat(stopped.stopCode()).isEqualTo(StopCode.TASK_FAILED_TO_START);
        assertThat(stopped.stoppedReason())
                .startsWith("DependencyConditionNotMet")
                .contains("exit code 2");
        ContainerState appState = stopped.container("app").orElseThrow();
        assertThat(appState.startedAt()).isNull();
        assertThat(appState.lastStatus()).isEqualTo("STOPPED");
    }

    @Test
    void aDependencyThatNeverBecomesHealthyTimesOut() {
        var db = container("db", LOOP).withEssential(false).withHealthCheck(fileCheck("/nope"));
        var app = container("app", LOOP)
                .withDependsOn(new ContainerDependency("db", HEALTHY))
                .withTimeouts(null, 2);
        var spec = task(newId(), app, db);
        engine.start(spec);
        TaskState stopped = awaitStatus(engine, spec.taskArn(), TaskStatus.STOPPED, 30);
        assertThat(stopped.stopCode()).isEqualTo(StopCode.TASK_FAILED_TO_START);
        assertThat(stopped.stoppedReason()).startsWith("DependencyTimeout");
    }

    @Test
    void stoppingATaskThatIsStillActivatingNeverStartsTheWaitingContainer() {
        var db = container("db", LOOP).withEssential(false).withHealthCheck(fileCheck("/nope"));
        var app = container("app", LOOP).withDependsOn(new ContainerDependency("db", HEALTHY));
        var spec = task(newId(), app, db);
        engine.start(spec);
        awaitStatus(engine, spec.taskArn(), TaskStatus.ACTIVATING, 20);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> engine.task(spec.taskArn())
                                .flatMap(t -> t.container("db"))
                                .map(ContainerState::status)
                                .orElse(null)
                        == ContainerStatus.RUNNING);
        engine.stop(spec.taskArn(), "changed my mind");
        TaskState stopped = awaitStatus(engine, spec.taskArn(), TaskStatus.STOPPED, 20);
        assertThat(stopped.stopCode()).isEqualTo(StopCode.USER_INITIATED);
        assertThat(stopped.container("app").orElseThrow().startedAt()).isNull();
        assertThat(stopped.container("app").orElseThrow().lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.container("db").orElseThrow().exitCode()).isZero();
        assertThat(docker.taskChanges(spec.taskArn()))
                .extracting(TaskState::knownStatus)
                .containsSubsequence(
                        TaskStatus.ACTIVATING, TaskStatus.DEACTIVATING, TaskStatus.STOPPING, TaskStatus.STOPPED)
                .doesNotContain(TaskStatus.RUNNING);
    }

    @Test
    void healthChecksTurnHealthyThenUnhealthy() {
        // The test, not a timer in the container, decides when the check starts failing: on a loaded
        // machine a fixed "healthy for 3 s" could pass before Docker ran the first check.
        var app = container("app", "touch /tmp/ok; " + LOOP).withHealthCheck(fileCheck("/tmp/ok"));
        var spec = task(newId(), app);
        engine.start(spec);
        await().atMost(Duration.ofSeconds(40))
                .until(() ->
                        engine.task(spec.taskArn()).map(TaskState::healthStatus).orElse(null) == HealthStatus.HEALTHY);
        String appId = engine.task(spec.taskArn())
                .orElseThrow()
                .container("app")
                .orElseThrow()
                .runtimeId();
        String exec = docker.docker
                .execCreateCmd(appId)
                .withCmd("rm", "/tmp/ok")
                .exec()
                .getId();
        try {
            docker.docker
                    .execStartCmd(exec)
                    .exec(new ResultCallback.Adapter<>())
                    .awaitCompletion(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        await().atMost(Duration.ofSeconds(40))
                .until(() ->
                        engine.task(spec.taskArn()).map(TaskState::healthStatus).orElse(null)
                                == HealthStatus.UNHEALTHY);
        assertThat(docker.containerChanges(spec.taskArn(), "app"))
                .extracting(ContainerState::healthStatus)
                .containsSubsequence(HealthStatus.HEALTHY, HealthStatus.UNHEALTHY);
        assertThat(docker.taskChanges(spec.taskArn()))
                .extracting(TaskState::healthStatus)
                .containsSubsequence(HealthStatus.UNKNOWN, HealthStatus.HEALTHY, HealthStatus.UNHEALTHY);
        TaskState state = engine.task(spec.taskArn()).orElseThrow();
        assertThat(state.knownStatus())
                .as("an unhealthy container is not stopped by the agent")
                .isEqualTo(TaskStatus.RUNNING);
        var docker = DependsOnAndHealthTest.docker
                .docker
                .inspectContainerCmd(state.container("app").orElseThrow().runtimeId())
                .exec();
        assertThat(docker.getConfig().getHealthcheck().getTest()).containsExactly("CMD-SHELL", "test -f /tmp/ok");
        assertThat(docker.getConfig().getHealthcheck().getInterval()).isEqualTo(1_000_000_000L);
        engine.stop(spec.taskArn(), null);
    }
}
