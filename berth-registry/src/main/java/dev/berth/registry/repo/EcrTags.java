package dev.berth.registry.repo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.berth.model.tag.Tag;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * ECR's tag rules (CreateRepository, TagResource, UntagResource). ECR's service model leaves tag
 * keys and values unconstrained, so every limit lives here: keys of 1 to 128 characters, values of
 * up to 256, the characters AWS allows in tags, no {@code aws:} prefix, no duplicate keys in one
 * request, and at most 50 tags on a repository. ECR spells tags {@code Key}/{@code Value}.
 */
public final class EcrTags {

    public static final int MAX_TAGS = 50;
    private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

    private EcrTags() {}

    /** Reads a {@code tags} list (absent = none). */
    public static List<Tag> parse(JsonNode tags) {
        List<Tag> out = new ArrayList<>();
        if (tags == null || tags.isMissingNode()) {
            return out;
        }
        Map<String, String> seen = new LinkedHashMap<>();
        for (JsonNode t : tags) {
            String key = t.path("Key").asText(null);
            String value = t.path("Value").asText(null);
            if (key == null || key.isEmpty() || key.length() > 128) {
                throw RepositoryErrors.invalidTag("Tag keys must be 1 to 128 characters long; got '" + key + "'.");
            }
            if (value == null) {
                throw RepositoryErrors.invalidTag("The tag with key '" + key + "' has no Value.");
            }
            if (value.length() > 256) {
                throw RepositoryErrors.invalidTag("Tag values can be at most 256 characters long (key '" + key + "').");
            }
            if (!ALLOWED.matcher(key).matches() || !ALLOWED.matcher(value).matches()) {
                throw RepositoryErrors.invalidTag(
                        "Tags may contain only letters, numbers, spaces and _ . : / = + - @ (key '" + key + "').");
            }
            checkNotReserved(key);
            if (seen.put(key, value) != null) {
                throw RepositoryErrors.invalidTag("Duplicate tag key in request: '" + key + "'.");
            }
            out.add(new Tag(key, value));
        }
        if (out.size() > MAX_TAGS) {
            throw RepositoryErrors.tooManyTags(
                    "A repository can have at most " + MAX_TAGS + " tags; the request has " + out.size() + ".");
        }
        return out;
    }

    /** Adds or overwrites {@code added}; a result of more than 50 tags is TooManyTagsException. */
    public static List<Tag> merge(List<Tag> existing, List<Tag> added) {
        Map<String, String> map = new LinkedHashMap<>();
        existing.forEach(t -> map.put(t.key(), t.value()));
        added.forEach(t -> map.put(t.key(), t.value()));
        if (map.size() > MAX_TAGS) {
            throw RepositoryErrors.tooManyTags("A repository can have at most " + MAX_TAGS
                    + " tags; this request would leave it with " + map.size() + ".");
        }
        return map.entrySet().stream()
                .map(e -> new Tag(e.getKey(), e.getValue()))
                .toList();
    }

    /** Removes {@code keys}; a reserved {@code aws:} key cannot be removed. */
    public static List<Tag> remove(List<Tag> existing, Collection<String> keys) {
        for (String k : keys) {
            if (k.isEmpty() || k.length() > 128) {
                throw RepositoryErrors.invalidTag("Tag keys must be 1 to 128 characters long; got '" + k + "'.");
            }
            checkNotReserved(k);
        }
        return existing.stream().filter(t -> !keys.contains(t.key())).toList();
    }

    public static ArrayNode toJson(List<Tag> tags) {
        ArrayNode arr = JsonNodeFactory.instance.arrayNode(tags.size());
        tags.forEach(t -> arr.addObject().put("Key", t.key()).put("Value", t.value()));
        return arr;
    }

    private static void checkNotReserved(String key) {
        if (key.regionMatches(true, 0, "aws:", 0, 4)) {
            throw RepositoryErrors.invalidTag(
                    "Tag keys that start with 'aws:' are reserved for AWS use: '" + key + "'.");
        }
    }
}
