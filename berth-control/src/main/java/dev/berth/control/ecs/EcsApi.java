package dev.berth.control.ecs;

import dev.berth.protocol.json.JsonOperation;
import dev.berth.protocol.json.JsonService;
import dev.berth.protocol.model.ServiceModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Amazon ECS as the front door sees it: the ECS service model and the table of operations Berth
 * implements, gathered from the per-resource API classes. Operations the model defines but no
 * class has registered answer {@code UnknownOperationException} saying Berth does not implement
 * them yet; nothing pretends to succeed.
 */
public final class EcsApi implements JsonService {

    public static final String MODEL = "aws-models/ecs-2014-11-13.json";

    private final ServiceModel model;
    private final Map<String, JsonOperation> operations = new LinkedHashMap<>();

    public EcsApi(ServiceModel model) {
        this.model = model;
    }

    /** Adds operations; each name must be an operation of the ECS model and registered once. */
    public EcsApi register(Map<String, JsonOperation> ops) {
        ops.forEach((name, op) -> {
            if (model.operation(name).isEmpty()) {
                throw new IllegalArgumentException(name + " is not an ECS operation");
            }
            if (operations.putIfAbsent(name, op) != null) {
                throw new IllegalArgumentException(name + " registered twice");
            }
        });
        return this;
    }

    @Override
    public ServiceModel model() {
        return model;
    }

    @Override
    public String validationErrorCode() {
        return "InvalidParameterException";
    }

    @Override
    public Optional<JsonOperation> operation(String name) {
        return Optional.ofNullable(operations.get(name));
    }

    public java.util.Set<String> implemented() {
        return operations.keySet();
    }
}
