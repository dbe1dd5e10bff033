package dev.berth.ecs.service;

/**
 * The index of a service's tasks (kind {@value #KIND}, key {@code <cluster>/<service>/<taskId>}), so a
 * reconcile reads the service's tasks without scanning the cluster's task history. Written in the
 * transaction that creates a task for the service; an entry is dropped once its task has been purged.
 *
 * @param registered whether the task's container port is registered with the service's target groups
 */
public record ServiceTasks(String taskId, boolean registered) {

    public static final String KIND = "service-task";

    static String key(String serviceKey, String taskId) {
        return serviceKey + "/" + taskId;
    }
}
