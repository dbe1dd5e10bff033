package dev.berth.protocol.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An AWS service model (the botocore {@code service-2.json} format) loaded once at start-up.
 *
 * <p>Berth takes the shapes of every API it serves from the same model files the AWS CLI ships, so
 * field names, types, required members and enums cannot drift from what clients send. The copies
 * under {@code aws-models/} have their documentation stripped; they come from botocore
 * (Apache-2.0).
 */
public final class ServiceModel {

    private final String serviceId;
    private final String protocol;
    private final String targetPrefix;
    private final String signingName;
    private final String apiVersion;
    private final String xmlNamespace;
    private final Map<String, Operation> operations;
    private final Map<String, Shape> shapes;

    private ServiceModel(JsonNode root) {
        JsonNode meta = root.path("metadata");
        this.serviceId = meta.path("serviceId").asText();
        this.protocol = meta.path("protocol").asText();
        this.targetPrefix = meta.path("targetPrefix").asText(null);
        this.signingName =
                meta.path("signingName").asText(meta.path("endpointPrefix").asText());
        this.apiVersion = meta.path("apiVersion").asText();
        this.xmlNamespace = meta.path("xmlNamespace")
                .asText("https://" + meta.path("endpointPrefix").asText() + ".amazonaws.com/doc/" + apiVersion + "/");
        Map<String, Shape> shapeMap = new HashMap<>();
        root.path("shapes").properties().forEach(e -> shapeMap.put(e.getKey(), Shape.parse(e.getKey(), e.getValue())));
        this.shapes = Collections.unmodifiableMap(shapeMap);
        Map<String, Operation> ops = new LinkedHashMap<>();
        root.path("operations").properties().forEach(e -> {
            JsonNode op = e.getValue();
            ops.put(
                    e.getKey(),
                    new Operation(
                            e.getKey(),
                            op.path("input").path("shape").asText(null),
                            op.path("output").path("shape").asText(null),
                            op.path("output").path("resultWrapper").asText(null)));
        });
        this.operations = Collections.unmodifiableMap(ops);
    }

    /**
     * Loads a model from the classpath, e.g. {@code aws-models/ecs-2014-11-13.json}. When a file
     * {@code <name>.additions.json} sits beside it, its {@code operations} and {@code shapes} are
     * added to (or replace) the model's: that is how Berth carries API additions newer than the
     * botocore release the model was copied from.
     */
    public static ServiceModel load(ObjectMapper mapper, String resource) {
        ObjectNode root = (ObjectNode) read(mapper, resource)
                .orElseThrow(() -> new IllegalStateException("service model not on the classpath: " + resource));
        read(mapper, resource.replaceFirst("\\.json$", ".additions.json")).ifPresent(add -> {
            for (String section : new String[] {"operations", "shapes"}) {
                if (add.has(section)) {
                    ((ObjectNode) root.get(section)).setAll((ObjectNode) add.get(section));
                }
            }
        });
        return new ServiceModel(root);
    }

    private static Optional<JsonNode> read(ObjectMapper mapper, String resource) {
        try (InputStream in = ServiceModel.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(mapper.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read service model " + resource, e);
        }
    }

    public String serviceId() {
        return serviceId;
    }

    /** {@code json} or {@code query}. */
    public String protocol() {
        return protocol;
    }

    /** The {@code X-Amz-Target} prefix of JSON services, e.g. {@code AmazonEC2ContainerServiceV20141113}. */
    public String targetPrefix() {
        return targetPrefix;
    }

    /** The SigV4 signing name, e.g. {@code ecs}. */
    public String signingName() {
        return signingName;
    }

    public String apiVersion() {
        return apiVersion;
    }

    public String xmlNamespace() {
        return xmlNamespace;
    }

    public Optional<Operation> operation(String name) {
        return Optional.ofNullable(operations.get(name));
    }

    public Map<String, Operation> operations() {
        return operations;
    }

    public Shape shape(String name) {
        Shape s = shapes.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no shape " + name + " in model " + serviceId);
        }
        return s;
    }

    /** One operation: its name and the names of its input and output shapes (either may be null). */
    public record Operation(String name, String inputShape, String outputShape, String resultWrapper) {}
}
