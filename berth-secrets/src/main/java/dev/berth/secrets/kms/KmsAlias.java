package dev.berth.secrets.kms;

/** A KMS alias (kind {@code kms-alias}, key = alias name such as {@code alias/app}): a name for one key. */
public record KmsAlias(String aliasName, String targetKeyId, long creationMillis, long lastUpdatedMillis) {}
