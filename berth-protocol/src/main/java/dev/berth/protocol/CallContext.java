package dev.berth.protocol;

/**
 * Who made an authenticated API call and where: handed to every operation handler.
 *
 * @param requestId the id returned in {@code x-amzn-RequestId} and error bodies
 * @param accessKeyId the access key that signed the request
 * @param accountId the account the key belongs to
 * @param region the region of the request's credential scope (the server's region)
 */
public record CallContext(String requestId, String accessKeyId, String accountId, String region) {}
