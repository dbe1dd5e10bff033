package dev.berth.ecs.agent;

import dev.berth.model.error.AwsException;

/**
 * The errors of the agent protocol. They use the same {@code {"__type","message"}} JSON body as the
 * AWS APIs, with HTTP statuses an agent can act on: 401/403 (fix the credential, do not retry),
 * 410 (the instance was deregistered: stop, register anew on the next start), 400 (a bug in the
 * agent), 5xx and connection failures (retry with backoff).
 */
public final class AgentErrors {

    private AgentErrors() {}

    public static AwsException missingCredential() {
        return new AwsException(
                "MissingAuthenticationTokenException",
                401,
                "The request has no 'Authorization: Bearer <token>' header.");
    }

    public static AwsException badJoinToken() {
        return new AwsException(
                "AccessDeniedException",
                403,
                "The join token is not valid. Use the token in <data-dir>/join-token of the server (it may have been rotated).");
    }

    public static AwsException badInstanceCredential() {
        return new AwsException(
                "AccessDeniedException", 403, "The instance credential is not valid for this container instance.");
    }

    public static AwsException inactive(String arn) {
        return new AwsException(
                "ContainerInstanceInactiveException",
                410,
                "Container instance " + arn + " has been deregistered; register a new instance.");
    }

    public static AwsException invalid(String message) {
        return new AwsException("InvalidParameterException", 400, message);
    }

    public static AwsException notFound(String method, String path) {
        return new AwsException("NotFoundException", 404, "The agent protocol has no " + method + " " + path + ".");
    }
}
