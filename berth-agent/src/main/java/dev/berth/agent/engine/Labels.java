package dev.berth.agent.engine;

/**
 * The Docker labels that tie a container to its task. The {@code com.amazonaws.ecs.*} ones are
 * those the real ECS agent writes, so tools that know ECS containers recognise ours; the
 * {@code dev.berth.*} ones let a restarted agent find its own containers and rebuild the task
 * without a local state file.
 */
final class Labels {
    static final String TASK_ARN = "com.amazonaws.ecs.task-arn";
    static final String CONTAINER_NAME = "com.amazonaws.ecs.container-name";
    static final String CLUSTER = "com.amazonaws.ecs.cluster";
    static final String FAMILY = "com.amazonaws.ecs.task-definition-family";
    static final String VERSION = "com.amazonaws.ecs.task-definition-version";
    /** The {@link EngineConfig#instanceId()} of the agent that owns the container. */
    static final String INSTANCE = "dev.berth.instance";
    /** The task's {@link TaskSpec} as JSON, credentials removed. */
    static final String TASK_SPEC = "dev.berth.task-spec";

    private Labels() {}
}
