package dev.berth.scheduler;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The scheduler's front: pure functions from a cluster snapshot and a request to a decision, for
 * callers that place rarely or want no state. A control plane that places continuously keeps a
 * {@link ClusterState} per cluster instead and calls {@link ClusterState#place}/{@link
 * ClusterState#commit} on it (same decisions, without re-indexing the cluster on every call).
 *
 * <p>Which call serves which API:
 * <ul>
 *   <li>RunTask and REPLICA service scale-out (CreateService, UpdateService): {@link #place};</li>
 *   <li>DAEMON services: {@link #placeDaemon};</li>
 *   <li>service scale-in and rolling deployments: {@link ScaleIn#select};</li>
 *   <li>{@code ListContainerInstances --filter}: {@link dev.berth.scheduler.cql.Cql#parse} then
 *       {@code matches(containerInstance)};</li>
 *   <li>parameter checks: {@link PlacementConstraint#of}, {@link PlacementStrategy#of},
 *       {@link PlacementValidation}.</li>
 * </ul>
 */
public final class PlacementEngine {

    private PlacementEngine() {}

    /** Places {@code request.count()} tasks; see {@link PlacementResult} for mapping to ECS failures. */
    public static PlacementResult place(ClusterSnapshot snapshot, PlacementRequest request, RandomGenerator random) {
        return ClusterState.of(snapshot).place(request, random);
    }

    /**
     * DAEMON scheduling: one task of {@code group} on every instance that has none and can take one
     * (ACTIVE, agent connected, attributes, resources, memberOf constraints). Strategies do not apply
     * to daemons, as in ECS. {@link PlacementResult#placements()} lists the instances to start a task
     * on; {@link PlacementResult#failures()} the instances without the daemon that cannot take it.
     */
    public static PlacementResult placeDaemon(
            ClusterSnapshot snapshot, TaskRequirements task, String group, List<PlacementConstraint> constraints) {
        PlacementRequest request = new PlacementRequest(task, group, constraints, List.of(), 0);
        return new Placer(ClusterState.of(snapshot), request, null).daemon();
    }
}
