package dev.berth.agent.engine;

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

  boolean stopped() {
    return status == ContainerStatus.STOPPED;
  }

  /** True once SIGTERM was sent. */
  boolean signalled() {
    return killAt != null;
  }

  ContainerState snapshot() {
    return new ContainerState(spec.name(), spec.image(), runtimeId, imageDigest, status, exitCode,
        reason, bindings, health, spec.essential(), startedAt, finishedAt);
  }
}
