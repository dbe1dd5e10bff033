package dev.berth.protocol.json;

import dev.berth.protocol.model.ServiceModel;
import dev.berth.protocol.model.ShapeValidator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link JsonService} built from a service model and the operation handlers that per-resource
 * API classes register: each name must be an operation of the model and registered once. An
 * operation nobody registered answers {@code UnknownOperationException} at the front door; nothing
 * pretends to succeed. Not thread-safe while registering; read-only afterwards.
 */
public class OperationTable implements JsonService {

    private final ServiceModel model;
    private final String validationErrorCode;
    private final Map<String, JsonOperation> operations = new LinkedHashMap<>();
    private final Map<String, Integer> bodyLimits = new LinkedHashMap<>();
    private Set<String> identifierMembers = Set.of();
    private ShapeValidator.Dialect dialect = ShapeValidator.Dialect.AWS;

    public OperationTable(ServiceModel model, String validationErrorCode) {
        this.model = model;
        this.validationErrorCode = validationErrorCode;
    }

    /** Adds operations; each name must be an operation of the model and registered once. */
    public OperationTable register(Map<String, JsonOperation> ops) {
        ops.forEach((name, op) -> {
            if (model.operation(name).isEmpty()) {
                throw new IllegalArgumentException(name + " is not an operation of " + model.serviceId());
            }
            if (operations.putIfAbsent(name, op) != null) {
                throw new IllegalArgumentException(name + " registered twice");
            }
        });
        return this;
    }

    /**
     * Lets {@code operation} take a request body of up to {@code bytes} instead of
     * {@link JsonService#DEFAULT_MAX_BODY}; for operations whose modelled input is that large.
     */
    public OperationTable bodyLimit(String operation, int bytes) {
        if (model.operation(operation).isEmpty()) {
            throw new IllegalArgumentException(operation + " is not an operation of " + model.serviceId());
        }
        bodyLimits.put(operation, bytes);
        return this;
    }

    /**
     * The body a JSON request needs to carry a blob of {@code maxBlobBytes} bytes: its base64
     * text plus 64 KiB for the other members and the JSON around them.
     */
    public static int bodyForBlob(long maxBlobBytes) {
        long base64 = (maxBlobBytes + 2) / 3 * 4;
        return Math.toIntExact(base64 + 64 * 1024);
    }

    /** Sets the {@link #identifierMembers()}: input members whose values must hold no control characters. */
    public OperationTable identifierMembers(Set<String> names) {
        this.identifierMembers = Set.copyOf(names);
        return this;
    }

    /** Sets the {@link #validationDialect()}. */
    public OperationTable validationDialect(ShapeValidator.Dialect dialect) {
        this.dialect = dialect;
        return this;
    }

    @Override
    public ShapeValidator.Dialect validationDialect() {
        return dialect;
    }

    @Override
    public Set<String> identifierMembers() {
        return identifierMembers;
    }

    @Override
    public int maxRequestBody(String operation) {
        return bodyLimits.getOrDefault(operation, DEFAULT_MAX_BODY);
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
