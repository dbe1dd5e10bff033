package dev.berth.protocol.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.error.AwsException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a JSON request body against the input shape of its operation, as the AWS front end does
 * before a service sees the request, and returns a clean copy.
 *
 * <p>Two kinds of failure, as AWS reports them: a value of the wrong JSON type (a string where a
 * number belongs, an object where a list belongs) is a {@code SerializationException}; a value of
 * the right type that breaks a modelled constraint (required member missing, enum, length, range,
 * pattern) is the service's validation error (for ECS {@code InvalidParameterException}) with a
 * message in AWS's {@code "1 validation error detected: Value ... at '...' failed to satisfy
 * constraint: ..."} form (a blob's length is its decoded length, and its value is never echoed; a
 * blob arrives as base64 text, or already decoded when {@link ShapedTrees} read the body).
 * Members the model does not know are dropped, and JSON nulls count as
 * absent, as AWS's JSON protocol treats them. The returned tree therefore only holds modelled
 * members of the modelled types, so handlers can read it without defensive type checks.
 */
public final class ShapeValidator {

    private static final int MAX_REPORTED = 10;

    private final ServiceModel model;
    private final String validationErrorCode;
    private final Set<String> identifierMembers;
    private final Dialect dialect;

    /**
     * @param validationErrorCode the error code the service uses for constraint violations,
     *     e.g. {@code InvalidParameterException} for ECS, {@code ValidationError} for query services
     */
    /** Query-protocol services name members in lowerCamel case in their messages ({@code userName}). */
    private final boolean lowerCamelPaths;

    public ShapeValidator(ServiceModel model, String validationErrorCode) {
        this(model, validationErrorCode, Set.of());
    }

    /**
     * @param identifierMembers names of structure members that name or identify something (the
     *     model gives many of them no pattern, e.g. ECS's {@code cluster}, Logs' {@code
     *     logStreamName}): their string values, and the strings of a list they hold, must not
     *     contain a control character (U+0000 to U+001F, U+007F), wherever the member occurs, so
     *     that none becomes part of a store key or an ARN
     */
    public ShapeValidator(ServiceModel model, String validationErrorCode, Set<String> identifierMembers) {
        this(model, validationErrorCode, identifierMembers, Dialect.AWS);
    }

    /** @param dialect how the message words the violations (ECR has its own form) */
    public ShapeValidator(
            ServiceModel model, String validationErrorCode, Set<String> identifierMembers, Dialect dialect) {
        this.model = model;
        this.validationErrorCode = validationErrorCode;
        this.identifierMembers = Set.copyOf(identifierMembers);
        this.dialect = dialect;
        this.lowerCamelPaths = "query".equals(model.protocol()) || "ec2".equals(model.protocol());
    }

    /** How a service words constraint violations. */
    public enum Dialect {
        /**
         * The AWS front end's form: {@code 1 validation error detected: Value 'x' at 'name'
         * failed to satisfy constraint: Member must ...}, up to ten violations joined by "; ".
         */
        AWS,
        /**
         * ECR's: types, required members, lengths and ranges in the AWS form, as ECR's front end
         * checks them; when only patterns or control characters fail, ECR's own handler form for
         * the first of them: {@code Invalid parameter at 'name' failed to satisfy constraint:
         * 'must satisfy regular expression '...''}.
         */
        ECR;

        String message(List<Violation> violations) {
            if (this == ECR) {
                List<Violation> framework = new ArrayList<>();
                for (Violation v : violations) {
                    if (!isCharacterRule(v)) {
                        framework.add(v);
                    }
                }
                if (!framework.isEmpty()) {
                    return AWS.message(framework);
                }
                Violation v = violations.get(0);
                String constraint = v.constraint();
                String pattern = "must satisfy regular expression pattern: ";
                if (constraint.startsWith(pattern)) {
                    constraint = "must satisfy regular expression '" + constraint.substring(pattern.length()) + "'";
                }
                return "Invalid parameter at '" + v.path() + "' failed to satisfy constraint: '" + constraint + "'";
            }
            int n = violations.size();
            String head = n == 1 ? "1 validation error detected: " : n + " validation errors detected: ";
            List<String> shown = new ArrayList<>();
            for (Violation v : violations.subList(0, Math.min(n, MAX_REPORTED))) {
                shown.add(v.toString());
            }
            return head + String.join("; ", shown);
        }
    }

    /**
     * One broken constraint.
     *
     * @param value the value as quoted in the message ({@code 'x'} or {@code null}), or null when
     *     the message does not echo it
     * @param detail text after the path, e.g. {@code " (3 items)"}
     * @param constraint what the member must be, e.g. {@code must not be null}
     */
    private static boolean isCharacterRule(Violation v) {
        return v.constraint().startsWith("must satisfy regular expression pattern: ")
                || v.constraint().equals("must not contain control characters");
    }

    record Violation(String value, Loc path, String detail, String constraint) {
        @Override
        public String toString() {
            return "Value" + (value == null ? "" : " " + value) + " at '" + path + "'" + detail
                    + " failed to satisfy constraint: Member " + constraint;
        }
    }

    /**
     * Validates {@code input} against {@code shapeName}. A null or missing input is an empty
     * structure. Throws {@link AwsException} on the first type error or after collecting constraint
     * violations.
     */
    public ObjectNode validate(String shapeName, JsonNode input) {
        JsonNode body = input == null || input.isNull() || input.isMissingNode()
                ? JsonNodeFactory.instance.objectNode()
                : input;
        if (!body.isObject()) {
            throw serialization("the request body must be a JSON object, found " + describe(body));
        }
        if (shapeName == null) {
            return JsonNodeFactory.instance.objectNode();
        }
        List<Violation> violations = new ArrayList<>();
        JsonNode clean = check(model.shape(shapeName), body, null, violations);
        if (!violations.isEmpty()) {
            throw new AwsException(validationErrorCode, 400, dialect.message(violations));
        }
        return (ObjectNode) clean;
    }

    private JsonNode check(Shape shape, JsonNode value, Loc path, List<Violation> violations) {
        return switch (shape.type()) {
            case STRUCTURE -> structure(shape, value, path, violations);
            case LIST -> list(shape, value, path, violations);
            case MAP -> map(shape, value, path, violations);
            case STRING -> string(shape, value, path, violations);
            case INTEGER, LONG -> integral(shape, value, path, violations);
            case DOUBLE, FLOAT -> {
                if (!value.isNumber()) {
                    throw typeError(path, "number", value);
                }
                yield value;
            }
            case BOOLEAN -> {
                if (!value.isBoolean()) {
                    throw typeError(path, "boolean", value);
                }
                yield value;
            }
            case TIMESTAMP -> {
                if (!value.isNumber() && !value.isTextual()) {
                    throw typeError(path, "timestamp (epoch seconds)", value);
                }
                yield value;
            }
            case BLOB -> {
                if (!value.isTextual() && !value.isBinary()) {
                    throw typeError(path, "base64-encoded string", value);
                }
                long length = value.isBinary()
                        ? ((BinaryNode) value).binaryValue().length
                        : Base64Lengths.decodedLength(value.asText());
                if (length < 0) {
                    throw serialization("the value at '" + path + "' is not valid base64");
                }
                if (shape.min() != null && length < shape.min()) {
                    violations.add(
                            new Violation(null, path, "", "must have length greater than or equal to " + shape.min()));
                }
                if (shape.max() != null && length > shape.max()) {
                    violations.add(
                            new Violation(null, path, "", "must have length less than or equal to " + shape.max()));
                }
                yield value;
            }
        };
    }

    private JsonNode structure(Shape shape, JsonNode value, Loc path, List<Violation> violations) {
        if (!value.isObject()) {
            throw typeError(path, "structure", value);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, Shape.Member> m : shape.members().entrySet()) {
            JsonNode v = value.get(m.getKey());
            Loc childPath = new Loc(path, lowerCamelPaths ? decapitalize(m.getKey()) : m.getKey(), 0);
            if (v == null || v.isNull()) {
                if (shape.required().contains(m.getKey())) {
                    violations.add(new Violation("null", childPath, "", "must not be null"));
                }
                continue;
            }
            JsonNode checked = check(model.shape(m.getValue().shape()), v, childPath, violations);
            if (identifierMembers.contains(m.getKey())) {
                noControlCharacters(checked, childPath, violations);
            }
            out.set(m.getKey(), checked);
        }
        return out;
    }

    private JsonNode list(Shape shape, JsonNode value, Loc path, List<Violation> violations) {
        if (!value.isArray()) {
            throw typeError(path, "list", value);
        }
        checkLength(shape, value.size(), path, value.size() + " items", violations);
        ArrayNode out = JsonNodeFactory.instance.arrayNode(value.size());
        Shape member = model.shape(shape.listMember());
        int i = 1;
        for (JsonNode item : value) {
            Loc childPath = new Loc(path, null, i);
            if (item.isNull()) {
                violations.add(new Violation("null", childPath, "", "must not be null"));
            } else {
                out.add(check(member, item, childPath, violations));
            }
            i++;
        }
        return out;
    }

    private JsonNode map(Shape shape, JsonNode value, Loc path, List<Violation> violations) {
        if (!value.isObject()) {
            throw typeError(path, "map", value);
        }
        checkLength(shape, value.size(), path, value.size() + " entries", violations);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Shape keyShape = model.shape(shape.mapKey());
        Shape valueShape = model.shape(shape.mapValue());
        Iterator<Map.Entry<String, JsonNode>> it = value.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            Loc childPath = new Loc(path, e.getKey(), 0);
            string(keyShape, JsonNodeFactory.instance.textNode(e.getKey()), new Loc(path, "key", 0), violations);
            if (e.getValue().isNull()) {
                violations.add(new Violation("null", childPath, "", "must not be null"));
                continue;
            }
            out.set(e.getKey(), check(valueShape, e.getValue(), childPath, violations));
        }
        return out;
    }

    private JsonNode string(Shape shape, JsonNode value, Loc path, List<Violation> violations) {
        if (!value.isTextual()) {
            throw typeError(path, "string", value);
        }
        String s = value.asText();
        if (!shape.enumValues().isEmpty() && !shape.enumValues().contains(s)) {
            violations.add(new Violation(
                    "'" + abbreviate(s) + "'", path, "", "must satisfy enum value set: " + shape.enumValues()));
        }
        checkLength(shape, s.codePointCount(0, s.length()), path, "length " + s.length(), violations);
        if (shape.pattern() != null && !shape.pattern().matcher(s).matches()) {
            violations.add(new Violation(
                    "'" + abbreviate(s) + "'",
                    path,
                    "",
                    "must satisfy regular expression pattern: " + shape.patternSource()));
        }
        return value;
    }

    /** The identifier rule: a string, or a list of strings, without control characters. */
    private static void noControlCharacters(JsonNode value, Loc path, List<Violation> violations) {
        if (value.isTextual()) {
            if (hasControlCharacter(value.asText())) {
                violations.add(new Violation(
                        "'" + abbreviate(value.asText()) + "'", path, "", "must not contain control characters"));
            }
        } else if (value.isArray()) {
            int i = 1;
            for (JsonNode item : value) {
                if (item.isTextual()) {
                    noControlCharacters(item, new Loc(path, null, i), violations);
                }
                i++;
            }
        }
    }

    /** Whether {@code s} holds a C0 control character (U+0000 to U+001F) or DEL (U+007F). */
    public static boolean hasControlCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private JsonNode integral(Shape shape, JsonNode value, Loc path, List<Violation> violations) {
        boolean fits = shape.type() == Shape.Type.INTEGER ? value.canConvertToInt() : value.canConvertToLong();
        if (!value.isIntegralNumber() || !fits) {
            throw typeError(path, shape.type() == Shape.Type.INTEGER ? "integer" : "long", value);
        }
        long v = value.asLong();
        if (shape.min() != null && v < shape.min()) {
            violations.add(
                    new Violation("'" + v + "'", path, "", "must have value greater than or equal to " + shape.min()));
        }
        if (shape.max() != null && v > shape.max()) {
            violations.add(
                    new Violation("'" + v + "'", path, "", "must have value less than or equal to " + shape.max()));
        }
        return value;
    }

    private static void checkLength(Shape shape, int length, Loc path, String what, List<Violation> violations) {
        if (shape.min() != null && length < shape.min()) {
            violations.add(new Violation(
                    null, path, " (" + what + ")", "must have length greater than or equal to " + shape.min()));
        }
        if (shape.max() != null && length > shape.max()) {
            violations.add(new Violation(
                    null, path, " (" + what + ")", "must have length less than or equal to " + shape.max()));
        }
    }

    private static AwsException typeError(Loc path, String expected, JsonNode found) {
        String where = path == null ? "the request body" : "'" + path + "'";
        return serialization(
                "Unexpected value type at " + where + ": expected " + expected + ", found " + describe(found));
    }

    private static AwsException serialization(String message) {
        return new AwsException("SerializationException", 400, message);
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "list";
            case OBJECT -> "structure";
            case STRING -> "string";
            case NUMBER -> node.isIntegralNumber() ? "integer " + abbreviate(node.asText()) : "decimal number";
            case BOOLEAN -> "boolean";
            default -> node.getNodeType().name().toLowerCase();
        };
    }

    /**
     * Where a value sits in the request, in AWS's notation ({@code logEvents.1.member.message});
     * rendered only when a message needs it, so valid requests build no path strings.
     * {@code null} is the request body itself.
     *
     * @param name the member or map key, or null for a list item
     * @param index the 1-based list position when {@code name} is null
     */
    private record Loc(Loc parent, String name, int index) {
        @Override
        public String toString() {
            String self = name != null ? name : index + ".member";
            return parent == null ? self : parent + "." + self;
        }
    }

    /** {@code UserName} as query-protocol services (IAM, STS, ELBv2) name it in messages: {@code userName}. */
    private static String decapitalize(String member) {
        return member.isEmpty() ? member : Character.toLowerCase(member.charAt(0)) + member.substring(1);
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
