package dev.berth.protocol.sigv4;

/**
 * Thrown by a {@link CredentialResolver} when the access key is a temporary one whose session has
 * expired; the verifier answers it with the dialect's expired-token error ({@code ExpiredToken},
 * {@code ExpiredTokenException}), as AWS does.
 */
public final class ExpiredCredentialsException extends RuntimeException {

    public ExpiredCredentialsException() {
        super("expired", null, false, false);
    }
}
