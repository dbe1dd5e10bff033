package dev.berth.ecs.taskdef;

import dev.berth.model.error.AwsException;

/**
 * Builds the two error codes that ECS uses for a bad {@code RegisterTaskDefinition} request.
 *
 * <p>ECS answers most semantic problems with {@code ClientException} (HTTP 400) and a few malformed values
 * (such as an unparsable task {@code cpu}) with {@code InvalidParameterException}. Keeping the construction in
 * one place keeps the codes and the status consistent across the rule classes.
 */
final class TaskDefinitionErrors {

    static final String CLIENT_EXCEPTION = "ClientException";
    static final String INVALID_PARAMETER = "InvalidParameterException";

    private TaskDefinitionErrors() {}

    /** A {@code ClientException} whose message is {@code String.format(format, args)}. */
    static AwsException client(String format, Object... args) {
        return new AwsException(CLIENT_EXCEPTION, 400, args.length == 0 ? format : String.format(format, args));
    }

    /** An {@code InvalidParameterException} whose message is {@code String.format(format, args)}. */
    static AwsException invalidParameter(String format, Object... args) {
        return new AwsException(INVALID_PARAMETER, 400, args.length == 0 ? format : String.format(format, args));
    }

    /** The ECS wording for a container-level setting that is wrong: {@code Invalid 'x' setting for container 'c'.} */
    static AwsException invalidContainerSetting(String container, String field, String reason) {
        String base = "Invalid '" + field + "' setting for container '" + container + "'.";
        return client(reason == null ? base : base + " " + reason);
    }
}
