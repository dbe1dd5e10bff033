package dev.berth.secrets.kms;

import dev.berth.model.error.AwsException;

/** The KMS errors Berth raises, with KMS's codes (all HTTP 400, as the KMS model has them). */
public final class KmsErrors {

    private KmsErrors() {}

    public static AwsException notFound(String message) {
        return new AwsException("NotFoundException", 400, message);
    }

    public static AwsException keyNotFound(String arn) {
        return notFound("Key '" + arn + "' does not exist");
    }

    public static AwsException disabled(String arn) {
        return new AwsException("DisabledException", 400, arn + " is disabled.");
    }

    public static AwsException invalidState(String message) {
        return new AwsException("KMSInvalidStateException", 400, message);
    }

    public static AwsException invalidCiphertext() {
        return new AwsException("InvalidCiphertextException", 400, null);
    }

    public static AwsException incorrectKey() {
        return new AwsException(
                "IncorrectKeyException",
                400,
                "The key ID in the request does not identify a KMS key that can perform this operation.");
    }

    public static AwsException validation(String message) {
        return new AwsException("ValidationException", 400, message);
    }

    public static AwsException unsupported(String message) {
        return new AwsException("UnsupportedOperationException", 400, message);
    }

    public static AwsException alreadyExists(String message) {
        return new AwsException("AlreadyExistsException", 400, message);
    }

    public static AwsException invalidAliasName(String message) {
        return new AwsException("InvalidAliasNameException", 400, message);
    }

    public static AwsException invalidMarker() {
        return new AwsException(
                "InvalidMarkerException", 400, "Invalid marker: it was not returned by a previous call.");
    }
}
