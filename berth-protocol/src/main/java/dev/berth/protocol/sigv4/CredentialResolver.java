package dev.berth.protocol.sigv4;

import java.util.Optional;

/**
 * Where the verifier finds the secret behind an access key id, kept behind an interface so that the
 * verifier stays free of storage and the credentials file, IAM users and (later) STS session
 * credentials can all plug in.
 *
 * <p>Implementations are called once per request on the request's thread: they must be fast and
 * must not block (an in-memory map refreshed in the background is the intended shape).
 */
@FunctionalInterface
public interface CredentialResolver {

    /** The secret access key of {@code accessKeyId}, or empty when the key is unknown or disabled. */
    Optional<String> secretFor(String accessKeyId);

    /**
     * The secret for a request that also carried {@code X-Amz-Security-Token}. Long-term keys have no
     * session token, so by default a request that sends one is refused (empty) unless an
     * implementation that issues temporary credentials overrides this.
     *
     * @param sessionToken the token as sent, or {@code null} when the request carried none
     */
    default Optional<String> secretFor(String accessKeyId, String sessionToken) {
        return sessionToken == null ? secretFor(accessKeyId) : Optional.empty();
    }
}
