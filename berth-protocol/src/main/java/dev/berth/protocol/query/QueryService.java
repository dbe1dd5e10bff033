package dev.berth.protocol.query;

import dev.berth.protocol.model.ServiceModel;
import java.util.Optional;

/**
 * An AWS service that speaks the query protocol (STS, IAM, ELBv2, ...): form-encoded
 * {@code Action=...&Version=...} requests, XML responses.
 */
public interface QueryService {

    ServiceModel model();

    /** The handler of an action, or empty when Berth does not implement it. */
    Optional<QueryOperation> operation(String action);

    /**
     * Whether {@code action} is called unsigned (STS AssumeRoleWithWebIdentity: the web identity
     * token is the credential). An unsigned request for such an action reaches its handler with an
     * anonymous {@link dev.berth.protocol.CallContext}; a signed one is verified as usual.
     */
    default boolean anonymous(String action) {
        return false;
    }
}
