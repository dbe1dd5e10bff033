package dev.berth.model.secrets;

import dev.berth.model.error.AwsException;

/**
 * What ECS (berth-ecs) needs from the secret stores (berth-secrets) to hand a starting task the
 * values its container definitions name in {@code secrets} and {@code repositoryCredentials}, so
 * that neither module imports the other: berth-secrets implements it, the server wires it in.
 *
 * <p>Each call reads in a transaction of its own; callers must not hold a store transaction open
 * while they call.
 */
public interface SecretValues {

    /**
     * The decrypted value of an SSM parameter as ECS's {@code valueFrom} names it: a name, a
     * parameter ARN, either with an optional {@code :version} or {@code :label}.
     *
     * @throws AwsException with SSM's codes, e.g. {@code ParameterNotFound}
     */
    String parameterValue(String reference);

    /**
     * The value of one version of a Secrets Manager secret (binary secrets as their bytes, string
     * secrets as UTF-8).
     *
     * @param secretId the secret's ARN or name
     * @param stage a version stage, or null for {@code AWSCURRENT} unless {@code versionId} is given
     * @param versionId a version id, or null
     * @throws AwsException with Secrets Manager's codes and messages ({@code ResourceNotFoundException},
     *     {@code InvalidRequestException} for a secret marked for deletion)
     */
    byte[] secretValue(String secretId, String stage, String versionId);
}
