package dev.berth.model.error;

import java.util.Objects;

/**
 * A failure that an API call reports to its caller in the shape of the AWS service it imitates.
 *
 * <p>Errors are data: every layer below the front door throws this (or returns it) with the exact
 * AWS error code ({@code ClientException}, {@code InvalidParameterException}, ...), the HTTP status
 * the service model assigns to it, and a message that says what is wrong. The protocol layer renders
 * it as a JSON {@code __type}/{@code message} body or a query-protocol {@code <ErrorResponse>}. Anything
 * that is not an {@code AwsException} reaching the front door is a bug and becomes a 500.
 */
public final class AwsException extends RuntimeException {

    /** Who is at fault, as the query protocol's {@code <Type>} element says it. */
    public enum Fault {
        SENDER,
        RECEIVER
    }

    private final String code;
    private final int httpStatus;
    private final Fault fault;

    public AwsException(String code, int httpStatus, String message) {
        this(code, httpStatus, httpStatus >= 500 ? Fault.RECEIVER : Fault.SENDER, message);
    }

    public AwsException(String code, int httpStatus, Fault fault, String message) {
        super(message, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.httpStatus = httpStatus;
        this.fault = Objects.requireNonNull(fault, "fault");
    }

    /** The AWS error code, e.g. {@code ClusterNotFoundException}. */
    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Fault fault() {
        return fault;
    }
}
