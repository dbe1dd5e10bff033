package dev.berth.agent.engine;

import java.util.Optional;

/**
 * What must succeed between {@code docker create} and {@code docker start} of a container, the way a
 * Docker log driver initialises when its container starts: Docker's {@code awslogs} driver creates
 * the CloudWatch log stream (and the group with {@code awslogs-create-group}) there, and refuses to
 * start the container when it cannot. A refusal fails the container with
 * {@code CannotStartContainerError: Error response from daemon: <refusal>}, exactly as Docker's error
 * reaches ECS, and the container never runs.
 *
 * <p>Called on the task's worker thread, which may block (the agent's implementation calls the
 * server); it must return within a bounded time. Must be thread-safe: workers of different tasks
 * call it concurrently.
 */
@FunctionalInterface
public interface ContainerStartCheck {

    /** Starts every container. */
    ContainerStartCheck NONE = (taskArn, container, runtimeId) -> Optional.empty();

    /**
     * @param runtimeId the created Docker container's id
     * @return empty to start the container, or the daemon-style reason it cannot start
     *     (e.g. {@code failed to initialize logging driver: ...})
     */
    Optional<String> beforeStart(String taskArn, ContainerSpec container, String runtimeId);
}
