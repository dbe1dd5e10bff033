package dev.berth.lb.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** ELBv2 tag rules: at most 50 per resource, unique keys, no {@code aws:} prefix. */
final class Tags {

    static final int MAX = 50;

    private Tags() {}

    /** Reads a {@code TagList} (may be absent) and checks it. */
    static Map<String, String> read(JsonNode list) {
        Map<String, String> out = new LinkedHashMap<>();
        if (list == null) {
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode t : list) {
            String key = t.path("Key").asText();
            if (!seen.add(key)) {
                throw Errors.of("DuplicateTagKeys", "Tag key '" + key + "' specified more than once");
            }
            if (key.toLowerCase(java.util.Locale.ROOT).startsWith("aws:")) {
                throw Errors.validation("Tag keys starting with 'aws:' are reserved for internal use");
            }
            out.put(key, t.has("Value") ? t.get("Value").asText() : "");
        }
        return out;
    }

    static Map<String, String> merge(Map<String, String> existing, Map<String, String> added) {
        Map<String, String> out = new LinkedHashMap<>(existing);
        out.putAll(added);
        if (out.size() > MAX) {
            throw Errors.of(
                    "TooManyTags",
                    "The quota for the number of tags that can be assigned to a resource has been reached");
        }
        return out;
    }
}
