package dev.berth.ecs.taskdef;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.model.tag.Tag;
import java.util.List;

/**
 * One registered task definition revision as the store keeps it.
 *
 * @param body the validated TaskDefinition structure without the fields Berth assigns
 *     (ARN, revision, status, registration and deregistration data)
 * @param status {@code ACTIVE}, {@code INACTIVE} (deregistered) or {@code DELETE_IN_PROGRESS}
 */
public record StoredTaskDefinition(
        String family,
        long revision,
        String status,
        ObjectNode body,
        List<Tag> tags,
        long registeredAtMillis,
        String registeredBy,
        Long deregisteredAtMillis) {

    public static final String ACTIVE = "ACTIVE";
    public static final String INACTIVE = "INACTIVE";
    public static final String DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS";

    public StoredTaskDefinition {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    public StoredTaskDefinition withStatus(String s, Long deregisteredAt) {
        return new StoredTaskDefinition(
                family, revision, s, body, tags, registeredAtMillis, registeredBy, deregisteredAt);
    }

    public StoredTaskDefinition withTags(List<Tag> t) {
        return new StoredTaskDefinition(
                family, revision, status, body, t, registeredAtMillis, registeredBy, deregisteredAtMillis);
    }
}
