package dev.berth.secrets;

import dev.berth.model.error.AwsException;
import dev.berth.model.secrets.SecretValues;
import dev.berth.secrets.secretsmanager.SecretStore;
import dev.berth.secrets.secretsmanager.StoredSecret;
import dev.berth.secrets.ssm.SsmApi;
import dev.berth.store.StateStore;

/**
 * The secret stores as ECS reads them for a starting task ({@link SecretValues}): SSM parameters
 * decrypted, Secrets Manager versions opened, each in a read transaction of its own, with the
 * error codes and messages the services themselves answer (ECS puts them into the task's
 * stoppedReason).
 */
final class SecretValuesForTasks implements SecretValues {

    private final StateStore store;
    private final SsmApi ssm;
    private final SecretStore secrets;

    SecretValuesForTasks(StateStore store, SsmApi ssm, SecretStore secrets) {
        this.store = store;
        this.ssm = ssm;
        this.secrets = secrets;
    }

    @Override
    public String parameterValue(String reference) {
        return store.read(tx -> ssm.valueForTask(tx, reference));
    }

    @Override
    public byte[] secretValue(String secretId, String stage, String versionId) {
        return store.read(tx -> {
            StoredSecret s = secrets.find(tx, secretId, false)
                    .orElseThrow(() -> new AwsException(
                            "ResourceNotFoundException", 400, "Secrets Manager can't find the specified secret."));
            if (s.scheduledForDeletion()) {
                throw new AwsException(
                        "InvalidRequestException",
                        400,
                        "You can't perform this operation on the secret because it was marked for deletion.");
            }
            StoredSecret.VersionInfo v = secrets.select(s, versionId, stage);
            return secrets.open(tx, s, v.versionId()).value();
        });
    }
}
