package dev.berth.ecs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the ECS Describe* calls (clusters, services, tasks) share: the list of names, ids or ARNs
 * to describe with ECS's bounds on its size, the {@code include} options, and the response with
 * its result array and {@code failures} array, filled by the caller.
 *
 * @param refs the references as the caller sent them, in order
 * @param include the {@code include} values (e.g. {@code TAGS})
 * @param out the response
 * @param found the response's result array (e.g. {@code services})
 * @param failures the response's {@code failures} array
 */
public record DescribeCall(
        List<String> refs, Set<String> include, ObjectNode out, ArrayNode found, ArrayNode failures) {

    /**
     * Reads {@code in.<field>} and {@code in.include}.
     *
     * @param defaultRef the reference to describe when the list is empty, or null when it may not be empty
     * @param max the most references one call takes
     * @param bounds the InvalidParameterException message when the list is empty (without a default) or too long
     */
    public static DescribeCall parse(
            ObjectNode in, String field, String resultField, String defaultRef, int max, String bounds) {
        List<String> refs = new ArrayList<>();
        in.path(field).forEach(n -> refs.add(n.asText()));
        if (refs.isEmpty() && defaultRef != null) {
            refs.add(defaultRef);
        }
        if (refs.isEmpty() || refs.size() > max) {
            throw EcsErrors.invalidParameter(bounds);
        }
        Set<String> include = new LinkedHashSet<>();
        in.path("include").forEach(n -> include.add(n.asText()));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        return new DescribeCall(refs, include, out, out.putArray(resultField), out.putArray("failures"));
    }

    /** Adds a failure entry for {@code arn}. */
    public void fail(String arn, String reason) {
        failures.addObject().put("arn", arn).put("reason", reason);
    }

    public JsonNode response() {
        return out;
    }
}
