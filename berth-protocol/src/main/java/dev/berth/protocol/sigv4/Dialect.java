package dev.berth.protocol.sigv4;

import dev.berth.model.error.AwsException;

/**
 * The two families of authentication error codes AWS services use, so a rejected signature looks
 * exactly like the one the imitated service would send.
 *
 * <p>JSON protocols (ECS, ECR, Logs, ...) say {@code MissingAuthenticationTokenException},
 * {@code IncompleteSignatureException}, {@code UnrecognizedClientException} and
 * {@code InvalidSignatureException}; query protocols (IAM, STS, ELBv2, EC2 Auto Scaling) say
 * {@code MissingAuthenticationToken}, {@code IncompleteSignature}, {@code InvalidClientTokenId} and
 * {@code SignatureDoesNotMatch}. The messages are the same in both, and every one is an HTTP 403.
 */
public enum Dialect {
    /** AWS JSON 1.0/1.1 and REST-JSON services. */
    JSON(
            "MissingAuthenticationTokenException",
            "IncompleteSignatureException",
            "UnrecognizedClientException",
            "InvalidSignatureException"),
    /** AWS query (form-encoded request, XML response) services. */
    QUERY("MissingAuthenticationToken", "IncompleteSignature", "InvalidClientTokenId", "SignatureDoesNotMatch"),
    /**
     * Amazon S3 (REST-XML): its own codes and wording, a malformed {@code Authorization} is a 400,
     * a stale timestamp {@code RequestTimeTooSkewed} and an expired presigned URL {@code AccessDenied}.
     */
    S3("AccessDenied", "AuthorizationHeaderMalformed", "InvalidAccessKeyId", "SignatureDoesNotMatch") {
        @Override
        AwsException missingToken() {
            return new AwsException("AccessDenied", STATUS, "Access Denied");
        }

        @Override
        AwsException incomplete(String message) {
            return new AwsException(incompleteSignatureCode(), 400, message);
        }

        @Override
        AwsException unrecognizedClient() {
            return new AwsException(
                    unrecognizedClientCode(),
                    STATUS,
                    "The AWS Access Key Id you provided does not exist in our records.");
        }

        @Override
        AwsException mismatch() {
            return invalid("The request signature we calculated does not match the signature you provided."
                    + " Check your key and signing method.");
        }

        @Override
        AwsException expiredToken() {
            return new AwsException("ExpiredToken", 400, "The provided token has expired.");
        }

        @Override
        AwsException expired(String message, boolean presigned) {
            return presigned
                    ? new AwsException("AccessDenied", STATUS, "Request has expired")
                    : new AwsException(
                            "RequestTimeTooSkewed",
                            STATUS,
                            "The difference between the request time and the current time is too large.");
        }
    };

    /** The HTTP status of every authentication failure. */
    public static final int STATUS = 403;

    static final String MISSING_TOKEN_MESSAGE = "Missing Authentication Token";
    static final String UNRECOGNIZED_CLIENT_MESSAGE = "The security token included in the request is invalid.";
    static final String MISMATCH_MESSAGE = "The request signature we calculated does not match the signature you"
            + " provided. Check your AWS Secret Access Key and signing method. Consult the service documentation"
            + " for details.";

    private final String missingToken;
    private final String incompleteSignature;
    private final String unrecognizedClient;
    private final String invalidSignature;

    Dialect(String missingToken, String incompleteSignature, String unrecognizedClient, String invalidSignature) {
        this.missingToken = missingToken;
        this.incompleteSignature = incompleteSignature;
        this.unrecognizedClient = unrecognizedClient;
        this.invalidSignature = invalidSignature;
    }

    /** The code for a request that carries no signature at all. */
    public String missingTokenCode() {
        return missingToken;
    }

    /** The code for a signature that is missing parts or cannot be parsed. */
    public String incompleteSignatureCode() {
        return incompleteSignature;
    }

    /** The code for an access key (or session token) the server does not know. */
    public String unrecognizedClientCode() {
        return unrecognizedClient;
    }

    /** The code for a well-formed signature that is wrong, stale, or scoped elsewhere. */
    public String invalidSignatureCode() {
        return invalidSignature;
    }

    AwsException missingToken() {
        return new AwsException(missingToken, STATUS, MISSING_TOKEN_MESSAGE);
    }

    AwsException incomplete(String message) {
        return new AwsException(incompleteSignature, STATUS, message);
    }

    AwsException unrecognizedClient() {
        return new AwsException(unrecognizedClient, STATUS, UNRECOGNIZED_CLIENT_MESSAGE);
    }

    AwsException invalid(String message) {
        return new AwsException(invalidSignature, STATUS, message);
    }

    AwsException mismatch() {
        return invalid(MISMATCH_MESSAGE);
    }

    /** Temporary credentials whose session has expired ({@code ExpiredToken} / {@code ExpiredTokenException}). */
    AwsException expiredToken() {
        return new AwsException(
                this == JSON ? "ExpiredTokenException" : "ExpiredToken",
                STATUS,
                "The security token included in the request is expired");
    }

    /** A timestamp outside the allowed skew, or a presigned URL past its expiry. */
    AwsException expired(String message, boolean presigned) {
        return invalid(message);
    }
}
