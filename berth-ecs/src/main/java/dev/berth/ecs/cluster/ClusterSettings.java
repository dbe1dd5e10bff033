package dev.berth.ecs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.berth.ecs.EcsErrors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rules for a cluster's {@code settings} and {@code defaultCapacityProviderStrategy}: the values
 * ECS accepts, the default {@code containerInsights=disabled}, and updates that replace a setting
 * by name while keeping the others.
 */
final class ClusterSettings {

    private static final Set<String> INSIGHTS = Set.of("enabled", "disabled", "enhanced");

    private ClusterSettings() {}

    /** Applies {@code requested} on top of {@code current} (null = the defaults) and returns the full list. */
    static JsonNode normalize(JsonNode requested, JsonNode current) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("containerInsights", "disabled");
        if (current != null) {
            current.forEach(
                    s -> values.put(s.path("name").asText(), s.path("value").asText()));
        }
        if (requested != null) {
            for (JsonNode s : requested) {
                String name = s.path("name").asText(null);
                String value = s.path("value").asText(null);
                if (name == null || value == null) {
                    throw EcsErrors.invalidParameter("A cluster setting needs both a name and a value.");
                }
                if (name.equals("containerInsights") && !INSIGHTS.contains(value)) {
                    throw EcsErrors.invalidParameter("Invalid value '" + value
                            + "' for setting containerInsights; valid values are enabled, enhanced and disabled.");
                }
                values.put(name, value);
            }
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        values.forEach((k, v) -> out.addObject().put("name", k).put("value", v));
        return out;
    }

    /** Checks a default capacity provider strategy against the cluster's providers. */
    static JsonNode strategy(JsonNode strategy, List<String> providers) {
        if (strategy == null || strategy.isEmpty()) {
            return JsonNodeFactory.instance.arrayNode();
        }
        int withBase = 0;
        boolean anyWeight = false;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (JsonNode item : strategy) {
            String name = item.path("capacityProvider").asText();
            if (!providers.contains(name)) {
                throw EcsErrors.invalidParameter(
                        "The specified capacity provider strategy cannot contain a capacity provider "
                                + "that is not associated with the cluster: '" + name + "'.");
            }
            if (!seen.add(name)) {
                throw EcsErrors.invalidParameter(
                        "The capacity provider '" + name + "' appears more than once in the strategy.");
            }
            if (item.path("base").asInt(0) > 0) {
                withBase++;
            }
            if (item.path("weight").asInt(0) > 0) {
                anyWeight = true;
            }
        }
        if (withBase > 1) {
            throw EcsErrors.invalidParameter(
                    "Only one capacity provider in a capacity provider strategy can have a base defined.");
        }
        if (!anyWeight) {
            throw EcsErrors.invalidParameter(
                    "At least one capacity provider in a capacity provider strategy must have a weight "
                            + "greater than zero.");
        }
        return strategy;
    }
}
