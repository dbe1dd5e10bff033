package dev.berth.protocol.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One shape of a {@link ServiceModel}: its type and the constraints the model states for it.
 *
 * <p>Only the traits Berth enforces are kept: members and required members of structures, member
 * shapes of lists and maps, enum values, {@code min}/{@code max} (length for strings, lists and maps;
 * value for numbers) and {@code pattern} (compiled by {@link ModelPatterns} for whole-value
 * matching; {@code patternSource} is the model's text, which AWS quotes in its messages).
 */
public record Shape(
        String name,
        Type type,
        Map<String, Member> members,
        Set<String> required,
        String listMember,
        String mapKey,
        String mapValue,
        Set<String> enumValues,
        Long min,
        Long max,
        Pattern pattern,
        String patternSource,
        boolean exception) {

    /** The botocore shape types. */
    public enum Type {
        STRUCTURE,
        LIST,
        MAP,
        STRING,
        INTEGER,
        LONG,
        BOOLEAN,
        DOUBLE,
        FLOAT,
        TIMESTAMP,
        BLOB
    }

    /** A structure member: the shape it refers to and its wire name (locationName) if different. */
    public record Member(String shape, String locationName, boolean flattened) {}

    static Shape parse(String name, JsonNode node) {
        Type type = Type.valueOf(node.path("type").asText().toUpperCase());
        Map<String, Member> members = new LinkedHashMap<>();
        node.path("members")
                .properties()
                .forEach(e -> members.put(
                        e.getKey(),
                        new Member(
                                e.getValue().path("shape").asText(),
                                e.getValue().path("locationName").asText(null),
                                e.getValue().path("flattened").asBoolean(false))));
        Set<String> required = new LinkedHashSet<>();
        node.path("required").forEach(r -> required.add(r.asText()));
        Set<String> enums = new LinkedHashSet<>();
        node.path("enum").forEach(v -> enums.add(v.asText()));
        Long min = node.has("min") ? node.get("min").asLong() : null;
        Long max = node.has("max") ? node.get("max").asLong() : null;
        String patternSource = node.has("pattern") ? node.get("pattern").asText() : null;
        Pattern pattern = patternSource == null ? null : ModelPatterns.compileOrNull(patternSource);
        return new Shape(
                name,
                type,
                Collections.unmodifiableMap(members),
                Collections.unmodifiableSet(required),
                node.path("member").path("shape").asText(null),
                node.path("key").path("shape").asText(null),
                node.path("value").path("shape").asText(null),
                Collections.unmodifiableSet(enums),
                min,
                max,
                pattern,
                patternSource,
                node.path("exception").asBoolean(false));
    }

    public List<String> memberNames() {
        return new ArrayList<>(members.keySet());
    }
}
