package dev.berth.control;

import dev.berth.protocol.json.JsonOperation;
import dev.berth.protocol.json.JsonService;
import dev.berth.protocol.model.ServiceModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A JSON-protocol service as the front door sees it: a vendored AWS model, the service's validation
 * error code, and the operations Berth implements. Used by the services whose operations live in one
 * class (KMS, SSM, Secrets Manager); operations of the model that nobody registered answer
 * {@code UnknownOperationException}, so nothing pretends to succeed.
 */
public final class OperationTable implements JsonService {

    private final ServiceModel model;
    private final String validationErrorCode;
    private final Map<String, JsonOperation> operations = new LinkedHashMap<>();

    public OperationTable(ServiceModel model, String validationErrorCode, Map<String, JsonOperation> ops) {
        this.model = model;
        this.validationErrorCode = validationErrorCode;
        ops.forEach((name, op) -> {
            if (model.operation(name).isEmpty()) {
                throw new IllegalArgumentException(name + " is not an operation of " + model.serviceId());
            }
            operations.put(name, op);
        });
    }

    @Override
    public ServiceModel model() {
        return model;
    }

    @Override
    public String validationErrorCode() {
        return validationErrorCode;
    }

    @Override
    public Optional<JsonOperation> operation(String name) {
        return Optional.ofNullable(operations.get(name));
    }

    public Set<String> implemented() {
        return operations.keySet();
    }
}
