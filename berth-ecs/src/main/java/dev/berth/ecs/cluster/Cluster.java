package dev.berth.ecs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.model.tag.Tag;
import java.util.List;

/**
 * An ECS cluster as the store keeps it. The parts Berth does not reason about yet
 * (execute-command configuration, Service Connect defaults, capacity provider strategy) are kept
 * as the validated JSON the caller sent, so they are returned exactly as given.
 *
 * @param status {@code ACTIVE}, or {@code INACTIVE} once deleted (still describable, as in ECS)
 */
public record Cluster(
        String name,
        String status,
        List<Tag> tags,
        JsonNode settings,
        JsonNode configuration,
        List<String> capacityProviders,
        JsonNode defaultCapacityProviderStrategy,
        JsonNode serviceConnectDefaults,
        long createdAtMillis) {

    public static final String ACTIVE = "ACTIVE";
    public static final String INACTIVE = "INACTIVE";

    public Cluster {
        tags = tags == null ? List.of() : List.copyOf(tags);
        capacityProviders = capacityProviders == null ? List.of() : List.copyOf(capacityProviders);
    }

    public boolean active() {
        return ACTIVE.equals(status);
    }

    public Cluster withStatus(String s) {
        return new Cluster(
                name,
                s,
                tags,
                settings,
                configuration,
                capacityProviders,
                defaultCapacityProviderStrategy,
                serviceConnectDefaults,
                createdAtMillis);
    }

    public Cluster withTags(List<Tag> t) {
        return new Cluster(
                name,
                status,
                t,
                settings,
                configuration,
                capacityProviders,
                defaultCapacityProviderStrategy,
                serviceConnectDefaults,
                createdAtMillis);
    }

    public Cluster withSettings(JsonNode s) {
        return new Cluster(
                name,
                status,
                tags,
                s,
                configuration,
                capacityProviders,
                defaultCapacityProviderStrategy,
                serviceConnectDefaults,
                createdAtMillis);
    }

    public Cluster withConfiguration(JsonNode c, JsonNode connect) {
        return new Cluster(
                name,
                status,
                tags,
                settings,
                c,
                capacityProviders,
                defaultCapacityProviderStrategy,
                connect,
                createdAtMillis);
    }

    public Cluster withCapacityProviders(List<String> providers, JsonNode strategy) {
        return new Cluster(
                name,
                status,
                tags,
                settings,
                configuration,
                providers,
                strategy,
                serviceConnectDefaults,
                createdAtMillis);
    }
}
