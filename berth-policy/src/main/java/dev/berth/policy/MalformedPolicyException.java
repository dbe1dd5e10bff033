package dev.berth.policy;

import dev.berth.model.error.AwsException;

/**
 * A policy document IAM would refuse, with IAM's own message ("Syntax errors in policy.", "Policy
 * document should not specify a principal.", ...). The caller decides the error code: IAM and STS
 * answer {@code MalformedPolicyDocument}, S3 {@code MalformedPolicy}, others their own;
 * {@link #toAwsException} makes IAM's.
 */
public final class MalformedPolicyException extends RuntimeException {

    public MalformedPolicyException(String message) {
        super(message, null, false, false);
    }

    /** IAM's {@code MalformedPolicyDocument} (HTTP 400) with this message. */
    public AwsException toAwsException() {
        return toAwsException("MalformedPolicyDocument");
    }

    public AwsException toAwsException(String code) {
        return new AwsException(code, 400, getMessage());
    }
}
