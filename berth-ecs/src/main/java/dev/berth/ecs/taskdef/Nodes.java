package dev.berth.ecs.taskdef;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Null-tolerant reads from the request tree.
 *
 * <p>The model validator guarantees types but not presence, and JSON {@code null} is legal for every optional
 * member (boto sends it when a user round-trips a DescribeTaskDefinition output). These helpers treat a
 * missing member and an explicit {@code null} the same way, so the rule classes never branch on both.
 */
final class Nodes {

    static final JsonNodeFactory FACTORY = JsonNodeFactory.instance;

    private Nodes() {}

    /** True when the member is absent or JSON null. */
    static boolean absent(JsonNode parent, String field) {
        JsonNode node = parent == null ? null : parent.get(field);
        return node == null || node.isNull();
    }

    /** The member's text, or null when absent. */
    static String text(JsonNode parent, String field) {
        return absent(parent, field) ? null : parent.get(field).asText();
    }

    /** The member's integer value, or null when absent. */
    static Integer integer(JsonNode parent, String field) {
        return absent(parent, field) ? null : parent.get(field).asInt();
    }

    /** The member's boolean value, or {@code fallback} when absent. */
    static boolean bool(JsonNode parent, String field, boolean fallback) {
        return absent(parent, field) ? fallback : parent.get(field).asBoolean();
    }

    /** The elements of an array member (empty when absent). */
    static List<JsonNode> elements(JsonNode parent, String field) {
        List<JsonNode> out = new ArrayList<>();
        if (!absent(parent, field)) {
            parent.get(field).forEach(out::add);
        }
        return out;
    }

    /** The object elements of an array member, for rules that rewrite them in place. */
    static List<ObjectNode> objects(JsonNode parent, String field) {
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode node : elements(parent, field)) {
            if (node instanceof ObjectNode object) {
                out.add(object);
            }
        }
        return out;
    }

    /** The texts of a string-array member (empty when absent). */
    static List<String> texts(JsonNode parent, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode node : elements(parent, field)) {
            out.add(node.isNull() ? null : node.asText());
        }
        return out;
    }

    /** Sets {@code field} to an empty array unless it already holds one; replaces JSON null. */
    static ArrayNode arrayOrEmpty(ObjectNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node instanceof ArrayNode array) {
            return array;
        }
        return parent.putArray(field);
    }

    /** True when the text is null or has no characters. */
    static boolean blank(String value) {
        return value == null || value.isEmpty();
    }
}
