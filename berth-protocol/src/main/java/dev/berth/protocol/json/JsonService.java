package dev.berth.protocol.json;

import dev.berth.protocol.model.ServiceModel;
import dev.berth.protocol.model.ShapeValidator;
import java.util.Optional;
import java.util.Set;

/**
 * An AWS service that speaks the JSON 1.0/1.1 protocol (ECS, ECR, Logs, ...): its model, its
 * validation error code and the handlers of the operations Berth implements.
 */
public interface JsonService {

    /** The largest request body an operation accepts unless its service says otherwise. */
    int DEFAULT_MAX_BODY = 8 * 1024 * 1024;

    ServiceModel model();

    /** The error code for requests that break a modelled constraint, e.g. {@code InvalidParameterException}. */
    String validationErrorCode();

    /**
     * Names of input members that name or identify a resource and must not contain control
     * characters (see {@link dev.berth.protocol.model.ShapeValidator}); for members whose model
     * shape has no pattern of its own.
     */
    default Set<String> identifierMembers() {
        return Set.of();
    }

    /** How constraint violations are worded (ECR has its own form). */
    default ShapeValidator.Dialect validationDialect() {
        return ShapeValidator.Dialect.AWS;
    }

    /** The handler of an operation, or empty when Berth does not implement it. */
    Optional<JsonOperation> operation(String name);

    /**
     * The largest request body {@code operation} accepts; the front door refuses a longer one with
     * {@code RequestEntityTooLargeException} before buffering it. Services raise it only for
     * operations whose model allows bigger inputs (ECR's UploadLayerPart carries 20 MiB parts).
     */
    default int maxRequestBody(String operation) {
        return DEFAULT_MAX_BODY;
    }
}
