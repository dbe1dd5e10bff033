package dev.berth.logs;

import dev.berth.model.error.AwsException;

/** The CloudWatch Logs errors Berth returns, with the codes and messages AWS uses. */
public final class LogsErrors {

    private LogsErrors() {}

    public static AwsException invalidParameter(String message) {
        return new AwsException("InvalidParameterException", 400, message);
    }

    public static AwsException groupNotFound() {
        return new AwsException("ResourceNotFoundException", 400, "The specified log group does not exist.");
    }

    public static AwsException streamNotFound() {
        return new AwsException("ResourceNotFoundException", 400, "The specified log stream does not exist.");
    }

    public static AwsException groupExists() {
        return new AwsException("ResourceAlreadyExistsException", 400, "The specified log group already exists");
    }

    public static AwsException streamExists() {
        return new AwsException("ResourceAlreadyExistsException", 400, "The specified log stream already exists");
    }
}
