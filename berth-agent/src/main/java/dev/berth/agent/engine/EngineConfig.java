package dev.berth.agent.engine;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Per-agent settings of a {@link TaskEngine} (the ECS agent's {@code ECS_*} variables that matter
 * here). Immutable; build with {@link #defaults} and the {@code with...} methods.
 *
 * @param instanceId identifies this agent's containers (Docker label {@code dev.berth.instance});
 *     several agents share one Docker Engine and each adopts only its own containers
 * @param hostIp the instance's IP: published ports bind here (e.g. 127.0.0.11)
 * @param dockerHost Docker Engine endpoint, e.g. {@code unix:///var/run/docker.sock}
 * @param pullTimeout an image pull that takes longer fails with CannotPullContainerError
 * @param stopTimeout default SIGTERM-to-SIGKILL delay ({@code ECS_CONTAINER_STOP_TIMEOUT}, 30 s)
 * @param startTimeout default wait for dependsOn conditions ({@code ECS_CONTAINER_START_TIMEOUT})
 * @param taskCleanupWait how long a stopped task's containers are kept
 *     ({@code ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION}, 3 h)
 * @param reconcileInterval how often a worker re-inspects its containers in case a Docker event
 *     was missed
 * @param registryCredentials credentials for an image without its own (e.g. Berth's registry)
 */
public record EngineConfig(
        String instanceId,
        String hostIp,
        URI dockerHost,
        ImagePullBehavior imagePullBehavior,
        Duration pullTimeout,
        Duration stopTimeout,
        Duration startTimeout,
        Duration taskCleanupWait,
        Duration reconcileInterval,
        Function<String, Optional<RegistryCredentials>> registryCredentials) {

    /** The ECS defaults for an agent with this identity and host IP. */
    public static EngineConfig defaults(String instanceId, String hostIp) {
        return new EngineConfig(
                instanceId,
                hostIp,
                DockerHost.DEFAULT,
                ImagePullBehavior.DEFAULT,
                Duration.ofMinutes(5),
                Duration.ofSeconds(30),
                Duration.ofMinutes(3),
                Duration.ofHours(3),
                Duration.ofSeconds(20),
                image -> Optional.empty());
    }

    public EngineConfig withImagePullBehavior(ImagePullBehavior behavior) {
        return new EngineConfig(
                instanceId,
                hostIp,
                dockerHost,
                behavior,
                pullTimeout,
                stopTimeout,
                startTimeout,
                taskCleanupWait,
                reconcileInterval,
                registryCredentials);
    }

    public EngineConfig withDockerHost(URI host) {
        return new EngineConfig(
                instanceId,
                hostIp,
                host,
                imagePullBehavior,
                pullTimeout,
                stopTimeout,
                startTimeout,
                taskCleanupWait,
                reconcileInterval,
                registryCredentials);
    }

    public EngineConfig withTimeouts(Duration pull, Duration stop, Duration start) {
        return new EngineConfig(
                instanceId,
                hostIp,
                dockerHost,
                imagePullBehavior,
                pull,
                stop,
                start,
                taskCleanupWait,
                reconcileInterval,
                registryCredentials);
    }

    public EngineConfig withTaskCleanupWait(Duration wait) {
        return new EngineConfig(
                instanceId,
                hostIp,
                dockerHost,
                imagePullBehavior,
                pullTimeout,
                stopTimeout,
                startTimeout,
                wait,
                reconcileInterval,
                registryCredentials);
    }

    public EngineConfig withRegistryCredentials(Function<String, Optional<RegistryCredentials>> provider) {
        return new EngineConfig(
                instanceId,
                hostIp,
                dockerHost,
                imagePullBehavior,
                pullTimeout,
                stopTimeout,
                startTimeout,
                taskCleanupWait,
                reconcileInterval,
                provider);
    }
}
