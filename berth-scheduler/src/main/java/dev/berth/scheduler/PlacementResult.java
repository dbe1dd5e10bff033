package dev.berth.scheduler;

import java.util.List;
import java.util.Optional;

/**
 * The answer to a {@link PlacementRequest}: where the placed tasks go, and for the rest, why not.
 *
 * <p>How an API handler maps it to ECS's response: one task per entry of {@link #placements()}
 * (an instance ARN may repeat); {@link #ecsFailures()} is ECS's {@code failures}: if
 * {@link #unplaced()} &gt; 0, either a single
 * {@code {"reason": summaryReason}} when {@link #summaryReason()} is present (no instance in the
 * cluster), or one {@code {"arn": f.arn(), "reason": f.reason().ecsReason()}} per entry of
 * {@link #failures()} (every instance, with the first filter that rejected it for the first task that
 * could not be placed). A service scheduler's event message names {@link #closestMatch()}.
 *
 * @param request    what was asked, kept so {@link ClusterState#commit(PlacementResult)} can apply it
 * @param placements instance ARN of each placed task, in placement order
 * @param unplaced   how many of the requested tasks could not be placed
 * @param failures   per-instance reasons, empty when everything was placed
 */
public record PlacementResult(
        PlacementRequest request,
        List<String> placements,
        int unplaced,
        List<InstanceFailure> failures,
        String summaryReason) {

    /** ECS's reason when the cluster has no container instance at all. */
    public static final String NO_INSTANCES = "No Container Instances were found in your cluster.";

    public PlacementResult {
        placements = List.copyOf(placements);
        failures = List.copyOf(failures);
    }

    public boolean complete() {
        return unplaced == 0;
    }

    /** The failure of the instance that passed the most filters: ECS's "closest matching container-instance". */
    public Optional<InstanceFailure> closestMatch() {
        InstanceFailure best = null;
        for (InstanceFailure f : failures) {
            if (best == null || f.reason().ordinal() > best.reason().ordinal()) {
                best = f;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * ECS's {@code failures} array for this result: empty when everything was placed, a single
     * reason without ARN when the cluster has no instance, else one entry per instance.
     */
    public List<EcsFailure> ecsFailures() {
        if (unplaced == 0) {
            return List.of();
        }
        if (summaryReason != null) {
            return List.of(new EcsFailure(null, summaryReason));
        }
        return failures.stream()
                .map(f -> new EcsFailure(f.arn(), f.reason().ecsReason()))
                .toList();
    }

    /** One entry of ECS's {@code failures}: {@code {"arn": ..., "reason": ...}}; {@code arn} may be null. */
    public record EcsFailure(String arn, String reason) {}

    /**
     * Why one instance could not take the task.
     *
     * @param missingAttributes for {@link Rejection#MISSING_ATTRIBUTE}, the required attributes the
     *     instance lacks ({@code name}, or {@code name=value} when a value is required); else empty
     */
    public record InstanceFailure(String arn, Rejection reason, List<String> missingAttributes) {

        public InstanceFailure {
            missingAttributes = missingAttributes == null ? List.of() : List.copyOf(missingAttributes);
        }

        public InstanceFailure(String arn, Rejection reason) {
            this(arn, reason, List.of());
        }

        /**
         * What an event message can add after ECS's vague reason: {@code ": a, b"} naming the
         * missing attributes, or {@code ""} when there are none to name.
         */
        public String detail() {
            return missingAttributes.isEmpty() ? "" : ": " + String.join(", ", missingAttributes);
        }
    }
}
