package dev.berth.protocol;

import java.util.Objects;

/**
 * Who made an authenticated API call and where: handed to every operation handler.
 *
 * @param requestId the id returned in {@code x-amzn-RequestId} and error bodies
 * @param accessKeyId the access key that signed the request (empty for the few anonymous calls,
 *     such as STS AssumeRoleWithWebIdentity)
 * @param accountId the account the key belongs to
 * @param region the region of the request's credential scope (the server's region)
 * @param caller the principal behind the key (root, an IAM user, a role session), for STS's
 *     GetCallerIdentity and the authorization step
 */
public record CallContext(String requestId, String accessKeyId, String accountId, String region, Caller caller) {

    public CallContext {
        Objects.requireNonNull(caller, "caller");
    }

    /** A call by the account's root (tests and in-process callers). */
    public CallContext(String requestId, String accessKeyId, String accountId, String region) {
        this(requestId, accessKeyId, accountId, region, Caller.root(accountId));
    }
}
