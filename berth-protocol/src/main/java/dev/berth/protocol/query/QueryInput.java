package dev.berth.protocol.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.error.AwsException;
import dev.berth.protocol.model.ServiceModel;
import dev.berth.protocol.model.Shape;
import dev.berth.protocol.model.ShapeValidator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns the flat parameters of a query-protocol request ({@code Names.member.1=a},
 * {@code Tags.member.1.Key=k}, {@code Attributes.entry.1.key=...}) into a JSON tree shaped like the
 * operation's input shape, and then checks it with the model's constraints through
 * {@link ShapeValidator}, so query handlers read the same clean, typed trees JSON handlers do.
 *
 * <p>The decoding follows botocore's query serializer: structure members by name (or
 * {@code locationName}), lists as {@code .member.N} (or {@code .N} when flattened), maps as
 * {@code .entry.N.key}/{@code .entry.N.value}, booleans as {@code true}/{@code false}. An empty
 * parameter with the list's own name is an empty list. A value that cannot be read as its type is
 * the service's validation error, as AWS answers it. Parameters the shape does not name are ignored.
 */
public final class QueryInput {

    private final ServiceModel model;
    private final ShapeValidator validator;
    private final String validationErrorCode;

    public QueryInput(ServiceModel model, String validationErrorCode) {
        this(model, validationErrorCode, Set.of());
    }

    /** @param identifierMembers see {@link ShapeValidator#ShapeValidator(ServiceModel, String, Set)} */
    public QueryInput(ServiceModel model, String validationErrorCode, Set<String> identifierMembers) {
        this.model = model;
        this.validator = new ShapeValidator(model, validationErrorCode, identifierMembers);
        this.validationErrorCode = validationErrorCode;
    }

    /** Decodes and validates the input of {@code action}; an action without input gives an empty object. */
    public ObjectNode read(String action, Map<String, List<String>> params) {
        ServiceModel.Operation op =
                model.operation(action).orElseThrow(() -> new IllegalArgumentException("no operation " + action));
        if (op.inputShape() == null) {
            return JsonNodeFactory.instance.objectNode();
        }
        TreeSet<String> names = new TreeSet<>(params.keySet());
        JsonNode tree = structure(model.shape(op.inputShape()), "", params, names);
        return validator.validate(op.inputShape(), tree);
    }

    private ObjectNode structure(Shape shape, String prefix, Map<String, List<String>> params, TreeSet<String> names) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, Shape.Member> m : shape.members().entrySet()) {
            Shape.Member member = m.getValue();
            String wire = member.locationName() != null ? member.locationName() : m.getKey();
            String key = prefix.isEmpty() ? wire : prefix + "." + wire;
            JsonNode v = value(model.shape(member.shape()), member.flattened(), key, params, names);
            if (v != null) {
                out.set(m.getKey(), v);
            }
        }
        return out;
    }

    private JsonNode value(
            Shape shape, boolean flattened, String key, Map<String, List<String>> params, TreeSet<String> names) {
        switch (shape.type()) {
            case STRUCTURE -> {
                if (!hasUnder(names, key + ".")) {
                    return null;
                }
                return structure(shape, key, params, names);
            }
            case LIST -> {
                String itemPrefix = flattened ? key + "." : key + ".member.";
                TreeSet<Integer> indexes = indexes(names, itemPrefix);
                if (indexes.isEmpty()) {
                    return names.contains(key) && first(params, key).isEmpty()
                            ? JsonNodeFactory.instance.arrayNode()
                            : null;
                }
                ArrayNode list = JsonNodeFactory.instance.arrayNode();
                Shape item = model.shape(shape.listMember());
                for (int i : indexes) {
                    JsonNode v = value(item, false, itemPrefix + i, params, names);
                    if (v != null) {
                        list.add(v);
                    }
                }
                return list;
            }
            case MAP -> {
                TreeSet<Integer> indexes = indexes(names, key + ".entry.");
                if (indexes.isEmpty()) {
                    return null;
                }
                ObjectNode map = JsonNodeFactory.instance.objectNode();
                for (int i : indexes) {
                    String k = first(params, key + ".entry." + i + ".key");
                    JsonNode v =
                            value(model.shape(shape.mapValue()), false, key + ".entry." + i + ".value", params, names);
                    if (k != null && v != null) {
                        map.set(k, v);
                    }
                }
                return map;
            }
            default -> {
                String raw = names.contains(key) ? first(params, key) : null;
                return raw == null ? null : scalar(shape, key, raw);
            }
        }
    }

    private JsonNode scalar(Shape shape, String key, String raw) {
        try {
            return switch (shape.type()) {
                case INTEGER -> JsonNodeFactory.instance.numberNode(Integer.parseInt(raw.trim()));
                case LONG -> JsonNodeFactory.instance.numberNode(Long.parseLong(raw.trim()));
                case DOUBLE, FLOAT -> JsonNodeFactory.instance.numberNode(Double.parseDouble(raw.trim()));
                case BOOLEAN ->
                    switch (raw.trim().toLowerCase(java.util.Locale.ROOT)) {
                        case "true" -> JsonNodeFactory.instance.booleanNode(true);
                        case "false" -> JsonNodeFactory.instance.booleanNode(false);
                        default -> throw new NumberFormatException();
                    };
                default -> JsonNodeFactory.instance.textNode(raw);
            };
        } catch (NumberFormatException e) {
            throw new AwsException(
                    validationErrorCode,
                    400,
                    "1 validation error detected: Value '" + raw + "' at '" + key
                            + "' failed to satisfy constraint: Member must be a valid "
                            + shape.type().name().toLowerCase() + ".");
        }
    }

    private static boolean hasUnder(TreeSet<String> names, String prefix) {
        String next = names.ceiling(prefix);
        return next != null && next.startsWith(prefix);
    }

    private static TreeSet<Integer> indexes(TreeSet<String> names, String prefix) {
        TreeSet<Integer> out = new TreeSet<>();
        for (String n : names.tailSet(prefix, true)) {
            if (!n.startsWith(prefix)) {
                break;
            }
            int end = n.indexOf('.', prefix.length());
            String idx = end < 0 ? n.substring(prefix.length()) : n.substring(prefix.length(), end);
            try {
                int i = Integer.parseInt(idx);
                if (i >= 1) {
                    out.add(i);
                }
            } catch (NumberFormatException ignored) {
                // not an index (e.g. a sibling member sharing the prefix)
            }
        }
        return out;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }
}
