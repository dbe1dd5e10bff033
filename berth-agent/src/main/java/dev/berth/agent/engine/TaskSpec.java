package dev.berth.agent.engine;

import java.util.List;
import java.util.Optional;

/**
 * Everything the engine needs to run one task: the server turns an ECS task definition plus
 * RunTask/StartTask overrides into this (see {@code docs} in the package Javadoc). Immutable and
 * Jackson-friendly; the engine also stores it (credentials removed) in a Docker label on every
 * container so that a restarted agent can adopt the task without any local state file.
 *
 * @param taskArn the task's ARN, {@code arn:aws:ecs:<region>:<account>:task/<cluster>/<id>}
 * @param cpu task-level CPU units, or null
 * @param memory task-level memory in MiB, or null
 */
public record TaskSpec(
        String taskArn,
        String family,
        int revision,
        String clusterName,
        NetworkMode networkMode,
        Integer cpu,
        Integer memory,
        List<ContainerSpec> containers) {

    public TaskSpec {
        if (taskArn == null || taskArn.isBlank()) {
            throw new IllegalArgumentException("taskArn is required");
        }
        networkMode = networkMode == null ? NetworkMode.BRIDGE : networkMode;
        containers = containers == null ? List.of() : List.copyOf(containers);
    }

    /** The last segment of the ARN (the task id). */
    public String taskId() {
        return taskArn.substring(taskArn.lastIndexOf('/') + 1);
    }

    /** The container with this name, if the task has one. */
    public Optional<ContainerSpec> container(String name) {
        return containers.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** This spec with every container's registry credentials removed. */
    public TaskSpec withoutCredentials() {
        return new TaskSpec(
                taskArn,
                family,
                revision,
                clusterName,
                networkMode,
                cpu,
                memory,
                containers.stream().map(ContainerSpec::withoutCredentials).toList());
    }
}
