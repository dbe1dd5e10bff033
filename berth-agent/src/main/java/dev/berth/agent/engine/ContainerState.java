package dev.berth.agent.engine;

import java.time.Instant;
import java.util.List;

/**
 * An immutable snapshot of one container as the engine knows it: what a
 * {@link ContainerStateChange} carries and what the server reports as an ECS {@code Container}.
 *
 * @param runtimeId the Docker container id, null until created
 * @param imageDigest the image's repository digest ({@code sha256:...}) or, for an image
 *     without one (imported locally), its image id
 * @param exitCode null until the container has exited
 * @param reason why it stopped when that was not a plain exit (e.g. CannotPullContainerError)
 */
public record ContainerState(
        String name,
        String image,
        String runtimeId,
        String imageDigest,
        ContainerStatus status,
        Integer exitCode,
        String reason,
        List<NetworkBinding> networkBindings,
        HealthStatus healthStatus,
        boolean essential,
        Instant startedAt,
        Instant finishedAt) {

    public ContainerState {
        networkBindings = networkBindings == null ? List.of() : List.copyOf(networkBindings);
        healthStatus = healthStatus == null ? HealthStatus.UNKNOWN : healthStatus;
    }

    /** The ECS {@code lastStatus}. */
    public String lastStatus() {
        return status.apiName();
    }
}
