package dev.berth.control.logs;

import dev.berth.protocol.json.JsonOperation;
import dev.berth.protocol.json.JsonService;
import dev.berth.protocol.model.ServiceModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Amazon CloudWatch Logs (JSON 1.1, {@code Logs_20140328}, signing name {@code logs}) as the front
 * door sees it: the Logs service model and the operations Berth implements. An operation the model
 * defines but nobody registered (metric filters, subscriptions, Logs Insights queries, ...) answers
 * {@code UnknownOperationException}; nothing pretends to succeed.
 */
public final class LogsApi implements JsonService {

    public static final String MODEL = "aws-models/logs-2014-03-28.json";

    private final ServiceModel model;
    private final Map<String, JsonOperation> operations = new LinkedHashMap<>();

    public LogsApi(ServiceModel model) {
        this.model = model;
    }

    /** Adds operations; each name must be an operation of the Logs model and registered once. */
    public LogsApi register(Map<String, JsonOperation> ops) {
        ops.forEach((name, op) -> {
            if (model.operation(name).isEmpty()) {
                throw new IllegalArgumentException(name + " is not a CloudWatch Logs operation");
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
