package dev.berth.protocol;

import dev.berth.model.error.AwsException;
import dev.berth.protocol.sigv4.Dialect;
import java.util.List;
import java.util.Map;

/**
 * Decides who sent a request. The front door calls it for every AWS API call before anything else
 * happens; the implementation verifies a SigV4 signature against the server's access keys.
 */
@FunctionalInterface
public interface Authenticator {

    /**
     * @param method the HTTP method
     * @param rawPath the request path exactly as received (still percent-encoded)
     * @param rawQuery the query string as received, or null
     * @param headers all request headers (names in any case)
     * @param body the complete request body
     * @param service the SigV4 signing name the request must be scoped to, e.g. {@code ecs}
     * @param dialect whose error codes to use
     * @return the caller
     * @throws AwsException with the dialect's authentication error code when the request is not
     *     properly signed by a known key
     */
    CallContext authenticate(
            String method,
            String rawPath,
            String rawQuery,
            Map<String, List<String>> headers,
            byte[] body,
            String service,
            Dialect dialect,
            String requestId);

    /** The context of an unsigned call to an action that needs no signature. */
    default CallContext anonymous(String requestId) {
        return new CallContext(requestId, "", "", "", Caller.anonymous(""));
    }
}
