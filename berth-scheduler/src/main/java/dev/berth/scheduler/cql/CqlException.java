package dev.berth.scheduler.cql;

import dev.berth.model.error.AwsException;

/**
 * Builds the {@code InvalidParameterException} a malformed expression gets, always naming the
 * 1-based position and the offending token so the user can find the mistake in a long expression.
 */
final class CqlException {

    private CqlException() {}

    static AwsException at(int position, String token, String problem) {
        return new AwsException(
                "InvalidParameterException",
                400,
                "Invalid cluster query expression: " + problem + " at position " + position + " (" + token + ")");
    }
}
