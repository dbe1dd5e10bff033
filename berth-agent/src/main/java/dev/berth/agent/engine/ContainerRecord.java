package dev.berth.agent.engine;

import com.github.dockerjava.api.command.InspectContainerResponse;
import java.time.Instant;
import java.util.List;

/**
 * The mutable, worker-owned view of one container of a task. Only the task's {@link TaskWorker}
 * touches it (no locking); everyone else sees {@link #snapshot()}s. {@link #advance} refuses to
 * move the status backwards, which is the container half of "known status only moves forward".
 */
final class ContainerRecord {
    final ContainerSpec spec;
    final String dockerName;
    String runtimeId;
    String imageDigest;
    ContainerStatus status = ContainerStatus.NONE;
    Integer exitCode;
    String reason;
    List<NetworkBinding> bindings = List.of();
    HealthStatus health = HealthStatus.UNKNOWN;
    Instant startedAt;
    Instant finishedAt;
    /** When SIGTERM was sent, SIGKILL is due at this time; null before SIGTERM. */
    Instant killAt;

    boolean killSent;

    ContainerRecord(ContainerSpec spec, String dockerName) {
        this.spec = spec;
        this.dockerName = dockerName;
    }

    /** Moves to {@code next} if that is forward; returns whether it moved. */
    boolean advance(ContainerStatus next) {
        if (next.compareTo(status) <= 0) {
            return false;
        }
        status = next;
        return true;
    }

    /** What {@link #observe} changed. */
    enum Observed {
        STARTED,
        STOPPED,
        UNCHANGED
    }

    /**
     * Applies Docker's inspect output: a container seen running for the first time becomes
     * RUNNING with its start time and network bindings; one that has run and is no longer running
     * becomes STOPPED with exit code, finish time and (OOM kill, runtime error) reason. Never moves
     * backwards; health is left to the caller.
     */
    Observed observe(NetworkMode mode, InspectContainerResponse info) {
        var state = info.getState();
        Instant started = DockerContainers.time(state.getStartedAt());
        boolean running = Boolean.TRUE.equals(state.getRunning());
        if (running && status.compareTo(ContainerStatus.RUNNING) < 0) {
            startedAt = started;
            bindings = DockerContainers.networkBindings(mode, spec, info);
            advance(ContainerStatus.RUNNING);
            return Observed.STARTED;
        }
        if (!running && started != null && !stopped()) {
            startedAt = startedAt == null ? started : startedAt;
            finishedAt = DockerContainers.time(state.getFinishedAt());
            exitCode = state.getExitCodeLong() == null
                    ? null
                    : state.getExitCodeLong().intValue();
            if (Boolean.TRUE.equals(state.getOOMKilled())) {
                reason = "OutOfMemoryError: Container killed due to memory usage";
            } else if (state.getError() != null && !state.getError().isBlank()) {
                reason = state.getError();
            }
            advance(ContainerStatus.STOPPED);
            return Observed.STOPPED;
        }
        return Observed.UNCHANGED;
    }

    /** Docker's health verdict for the container, or {@code fallback} without a health check. */
    static HealthStatus dockerHealth(InspectContainerResponse info, HealthStatus fallback) {
        var health = info.getState().getHealth();
        return health == null ? fallback : HealthStatus.fromDocker(health.getStatus());
    }

    boolean stopped() {
        return status == ContainerStatus.STOPPED;
    }

    /** True once SIGTERM was sent. */
    boolean signalled() {
        return killAt != null;
    }

    ContainerState snapshot() {
        return new ContainerState(
                spec.name(),
                spec.image(),
                runtimeId,
                imageDigest,
                status,
                exitCode,
                reason,
                bindings,
                health,
                spec.essential(),
                startedAt,
                finishedAt);
    }
}
