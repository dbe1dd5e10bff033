package dev.berth.secrets.secretsmanager;

import dev.berth.model.error.AwsException;

/** The Secrets Manager errors Berth raises, with its codes and (where AWS has a fixed one) its message. */
final class SecretsErrors {

    static final String MARKED_FOR_DELETION =
            "You can't perform this operation on the secret because it was marked for deletion.";

    private SecretsErrors() {}

    static AwsException notFound() {
        return new AwsException("ResourceNotFoundException", 400, "Secrets Manager can't find the specified secret.");
    }

    static AwsException notFound(String message) {
        return new AwsException("ResourceNotFoundException", 400, message);
    }

    static AwsException exists(String message) {
        return new AwsException("ResourceExistsException", 400, message);
    }

    static AwsException invalidRequest(String message) {
        return new AwsException("InvalidRequestException", 400, message);
    }

    static AwsException invalidParameter(String message) {
        return new AwsException("InvalidParameterException", 400, message);
    }

    static AwsException markedForDeletion() {
        return invalidRequest(MARKED_FOR_DELETION);
    }

    static AwsException invalidNextToken() {
        return new AwsException("InvalidNextTokenException", 400, "The NextToken value is invalid.");
    }
}
