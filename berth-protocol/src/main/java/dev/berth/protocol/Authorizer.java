package dev.berth.protocol;

import dev.berth.model.error.AwsException;
import dev.berth.protocol.sigv4.Dialect;

/**
 * Decides whether an authenticated caller may perform an operation. The front door asks it for
 * every API call after the operation is known and before its input is read; the implementation
 * lives with identity (berth-iam).
 */
@FunctionalInterface
public interface Authorizer {

    /** Lets every authenticated caller do everything (tests of the protocol layer alone). */
    Authorizer ALLOW_ALL = (call, signingName, operation, dialect) -> {};

    /**
     * @param call the authenticated caller
     * @param signingName the service's SigV4 signing name, which is also its IAM action prefix for the
     *     services Berth serves ({@code ecs}, {@code ecr}, {@code sts}, ...)
     * @param operation the API operation, e.g. {@code DeleteCluster}
     * @param dialect the protocol family, for the error's shape
     * @throws AwsException {@code AccessDeniedException} (JSON) or {@code AccessDenied} (query), 403 or
     *     400 as the service answers, when the caller may not
     */
    void authorize(CallContext call, String signingName, String operation, Dialect dialect);
}
