package dev.berth.ecs;

import dev.berth.model.error.AwsException;

/** The ECS error codes and the messages ECS sends with them. */
public final class EcsErrors {

    private EcsErrors() {}

    public static AwsException invalidParameter(String message) {
        return new AwsException("InvalidParameterException", 400, message);
    }

    public static AwsException client(String message) {
        return new AwsException("ClientException", 400, message);
    }

    public static AwsException clusterNotFound() {
        return new AwsException("ClusterNotFoundException", 400, "Cluster not found.");
    }

    public static AwsException resourceNotFound(String message) {
        return new AwsException("ResourceNotFoundException", 400, message);
    }
}
