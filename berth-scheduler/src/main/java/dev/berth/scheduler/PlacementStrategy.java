package dev.berth.scheduler;

import dev.berth.model.error.AwsException;
import java.util.List;
import java.util.Locale;

/**
 * A placement strategy as ECS defines it: {@code binpack} on {@code cpu} or {@code memory},
 * {@code spread} on {@code instanceId} (alias {@code host}) or an {@code attribute:<name>}, or
 * {@code random}. Strategies rank eligible instances; they never make a task unplaceable.
 */
public sealed interface PlacementStrategy {

    /** ECS's default for RunTask when no strategy is given. */
    List<PlacementStrategy> RUN_TASK_DEFAULT = List.of(new RandomPlacement());

    /** ECS's default for services ("AZ balanced spread"), also what scale-in uses with no strategy. */
    List<PlacementStrategy> SERVICE_DEFAULT =
            List.of(new Spread("attribute:ecs.availability-zone"), new Spread("instanceId"));

    /** The ECS type name. */
    String type();

    /** The resources {@code binpack} can pack on. */
    enum Resource {
        CPU,
        MEMORY
    }

    /** Place on the instance with the least remaining amount of the resource. */
    record Binpack(Resource resource) implements PlacementStrategy {
        @Override
        public String type() {
            return "binpack";
        }
    }

    /**
     * Balance the tasks of the group over the values of {@code field}: {@code instanceId} (or
     * {@code host}) spreads over instances, {@code attribute:<name>} over attribute values, counting
     * the group's tasks already on every instance with that value. Instances without the attribute
     * count as one more value of their own.
     */
    record Spread(String field) implements PlacementStrategy {
        @Override
        public String type() {
            return "spread";
        }

        /** The attribute spread over, or {@code null} when spreading over instances. */
        public String attribute() {
            return field.startsWith("attribute:") ? field.substring("attribute:".length()) : null;
        }
    }

    /** Place on an eligible instance chosen at random (from the injected random source). */
    record RandomPlacement() implements PlacementStrategy {
        @Override
        public String type() {
            return "random";
        }
    }

    static PlacementStrategy binpack(Resource resource) {
        return new Binpack(resource);
    }

    static PlacementStrategy spread(String field) {
        return of("spread", field);
    }

    static PlacementStrategy random() {
        return new RandomPlacement();
    }

    /** Validates and converts the wire form {@code {"type": ..., "field": ...}}. */
    static PlacementStrategy of(String type, String field) {
        if (type == null) {
            throw invalid("Placement strategy type is required. Valid values are random, spread and binpack.");
        }
        switch (type) {
            case "random":
                return new RandomPlacement(); // ECS ignores the field of random
            case "binpack":
                if (field == null || field.isBlank()) {
                    throw invalid(
                            "A field is required for placement strategy type binpack. Valid values are cpu and memory.");
                }
                return switch (field.toLowerCase(Locale.ROOT)) {
                    case "cpu" -> new Binpack(Resource.CPU);
                    case "memory" -> new Binpack(Resource.MEMORY);
                    default ->
                        throw invalid("Invalid field for placement strategy type binpack: " + field
                                + ". Valid values are cpu and memory.");
                };
            case "spread":
                if (field == null || field.isBlank()) {
                    throw invalid("A field is required for placement strategy type spread.");
                }
                if (field.equals("instanceId") || field.equals("host")) {
                    return new Spread(field);
                }
                if (field.startsWith("attribute:") && field.length() > "attribute:".length()) {
                    return new Spread(field);
                }
                throw invalid("Invalid field for placement strategy type spread: " + field
                        + ". Valid values are instanceId, host or attribute:<name>.");
            default:
                throw invalid(
                        "Invalid placement strategy type: " + type + ". Valid values are random, spread and binpack.");
        }
    }

    private static AwsException invalid(String message) {
        return new AwsException("InvalidParameterException", 400, message);
    }
}
