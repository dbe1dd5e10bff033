package dev.berth.model.auth;

import java.util.Optional;

/**
 * The access keys Berth accepts, as the modules that verify signatures themselves need them (the
 * registry's Basic auth, the S3 endpoint, the agent protocol's admin calls): berth-iam implements
 * it, the server hands it to the others.
 */
@FunctionalInterface
public interface AccessKeyDirectory {

    /** The key with this id, if Berth knows it. */
    Optional<Key> find(String accessKeyId);

    /**
     * One access key.
     *
     * @param accountId the account the key acts in
     * @param root whether it is the account's root key
     */
    record Key(String accessKeyId, String secretAccessKey, String accountId, boolean root) {}
}
