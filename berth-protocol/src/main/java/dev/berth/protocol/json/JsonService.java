package dev.berth.protocol.json;

import dev.berth.protocol.model.ServiceModel;
import java.util.Optional;

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
