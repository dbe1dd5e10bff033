package dev.berth.lb.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small readers and builders for the validated JSON trees the operations receive and return. */
final class Json {

    private Json() {}

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    static String text(JsonNode in, String field) {
        JsonNode v = in.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static Integer integer(JsonNode in, String field) {
        JsonNode v = in.get(field);
        return v == null || v.isNull() ? null : v.asInt();
    }

    static Boolean bool(JsonNode in, String field) {
        JsonNode v = in.get(field);
        return v == null || v.isNull() ? null : v.asBoolean();
    }

    static List<String> strings(JsonNode in, String field) {
        List<String> out = new ArrayList<>();
        JsonNode v = in.get(field);
        if (v != null) {
            v.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    static ArrayNode tags(Map<String, String> tags) {
        ArrayNode out = array();
        tags.forEach((k, v) -> out.add(object().put("Key", k).put("Value", v)));
        return out;
    }

    static ArrayNode attributes(Map<String, String> attrs) {
        ArrayNode out = array();
        new java.util.TreeMap<>(attrs)
                .forEach((k, v) -> out.add(object().put("Key", k).put("Value", v)));
        return out;
    }
}
