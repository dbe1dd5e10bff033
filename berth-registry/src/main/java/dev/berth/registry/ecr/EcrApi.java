package dev.berth.registry.ecr;

import dev.berth.protocol.json.JsonOperation;
import dev.berth.protocol.json.JsonService;
import dev.berth.protocol.model.ServiceModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Amazon ECR's API (JSON 1.1, {@code AmazonEC2ContainerRegistry_V20150921}) as the front door sees
 * it: the ECR service model and the operations Berth implements, gathered from the classes that
 * own repositories, images, layer uploads and lifecycle policies. An operation the model defines
 * but nobody registered answers {@code UnknownOperationException}; nothing pretends to succeed.
 */
public final class EcrApi implements JsonService {

    public static final String MODEL = "aws-models/ecr-2015-09-21.json";

    private final ServiceModel model;
    private final Map<String, JsonOperation> operations = new LinkedHashMap<>();

    public EcrApi(ServiceModel model) {
        this.model = model;
    }

    /** Adds operations; each name must be an operation of the ECR model and registered once. */
    public EcrApi register(Map<String, JsonOperation> ops) {
        ops.forEach((name, op) -> {
            if (model.operation(name).isEmpty()) {
                throw new IllegalArgumentException(name + " is not an ECR operation");
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

    public Set<String> implemented() {
        return operations.keySet();
    }
}
