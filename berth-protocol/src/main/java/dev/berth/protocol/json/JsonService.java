package dev.berth.protocol.json;

import dev.berth.protocol.model.ServiceModel;
import java.util.Optional;

/**
 * An AWS service that speaks the JSON 1.0/1.1 protocol (ECS, ECR, Logs, ...): its model, its
 * validation error code and the handlers of the operations Berth implements.
 */
public interface JsonService {

    ServiceModel model();

    /** The error code for requests that break a modelled constraint, e.g. {@code InvalidParameterException}. */
    String validationErrorCode();

    /** The handler of an operation, or empty when Berth does not implement it. */
    Optional<JsonOperation> operation(String name);
}
