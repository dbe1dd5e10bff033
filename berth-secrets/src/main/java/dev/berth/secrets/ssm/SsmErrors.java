package dev.berth.secrets.ssm;

import dev.berth.model.error.AwsException;

/** The SSM errors Parameter Store raises, with SSM's codes (all HTTP 400). */
final class SsmErrors {

    private SsmErrors() {}

    static AwsException validation(String message) {
        return new AwsException("ValidationException", 400, message);
    }

    static AwsException notFound() {
        return new AwsException("ParameterNotFound", 400, "");
    }

    static AwsException of(String code, String message) {
        return new AwsException(code, 400, message);
    }
}
