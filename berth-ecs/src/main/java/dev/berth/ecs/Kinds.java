package dev.berth.ecs;

/**
 * The document kinds the control plane keeps in the state store, and how their keys are built.
 * One place, so that a controller counting a cluster's tasks and the API writing them agree.
 *
 * <ul>
 *   <li>{@code cluster}: key = cluster name</li>
 *   <li>{@code taskdef}: key = family + "/" + revision zero-padded to 10 digits (scans in revision order)</li>
 *   <li>{@code taskdef-family}: key = family; a summary for ListTaskDefinitionFamilies</li>
 *   <li>{@code container-instance}, {@code task}, {@code service}: key = cluster name + "/" + id</li>
 *   <li>{@code container-instance-inactive}: key = cluster name + "/" + id; deregistered instances, kept
 *       describable and out of the cluster's counts</li>
 *   <li>{@code agent-join-token}: key = {@code current}; the token agents present to register</li>
 * </ul>
 */
public final class Kinds {

    public static final String CLUSTER = "cluster";
    public static final String TASK_DEFINITION = "taskdef";
    public static final String TASK_DEFINITION_FAMILY = "taskdef-family";
    public static final String CONTAINER_INSTANCE = "container-instance";
    public static final String INACTIVE_CONTAINER_INSTANCE = "container-instance-inactive";
    public static final String AGENT_JOIN_TOKEN = "agent-join-token";
    public static final String TASK = "task";
    public static final String SERVICE = "service";

    private Kinds() {}

    /** The key prefix of everything that belongs to a cluster in the cluster-scoped kinds. */
    public static String inCluster(String clusterName) {
        return clusterName + "/";
    }

    public static String taskDefinitionKey(String family, long revision) {
        return family + "/" + String.format("%010d", revision);
    }
}
