package dev.berth.scheduler;

import dev.berth.scheduler.PlacementStrategy.Binpack;
import dev.berth.scheduler.PlacementStrategy.RandomPlacement;
import dev.berth.scheduler.PlacementStrategy.Spread;
import java.util.ArrayList;
import java.util.List;

/**
 * How a strategy chain is executed. ECS applies strategies in order, each choosing among the
 * instances the previous ones left tied; that is a lexicographic order on a key per instance:
 * <ul>
 *   <li>{@code spread(attribute:a)}: tasks of the group on instances with this instance's value of a;</li>
 *   <li>{@code spread(instanceId)}: tasks of the group on this instance;</li>
 *   <li>{@code binpack(r)}: remaining r of this instance;</li>
 *   <li>{@code random}: a uniform choice among the instances still tied (later strategies are moot).</li>
 * </ul>
 * The final tie-break is the instance's position in the snapshot.
 *
 * <p>A chain of the form {@code spread(attribute)* (binpack | spread(instanceId))*} optionally ending
 * in {@code random} — every chain ECS's documentation shows — is {@link #indexed()}: attribute
 * spreads select among partitions of the instances by attribute value, and the rest is an order kept
 * by a sorted index ({@link CandidatePool}). Any other chain (an attribute spread after binpack, or
 * random after binpack) is evaluated by a scan of all instances with the same semantics.
 *
 * @param keys            the strategies before {@code random}, in order, as key kinds
 * @param randomLast      true if a {@code random} strategy ends the effective chain
 * @param leadingSpreads  the attribute names of the leading attribute spreads
 * @param tail            the per-instance keys after them (indexed chains only)
 * @param indexed         true if the chain can use the partitioned, sorted index
 */
record StrategyPlan(
        List<PlacementStrategy> keys,
        boolean randomLast,
        List<String> leadingSpreads,
        List<TailKey> tail,
        boolean indexed) {

    /** Per-instance keys a sorted index can keep current. */
    enum TailKey {
        CPU,
        MEMORY,
        INSTANCE_SPREAD
    }

    static StrategyPlan of(List<PlacementStrategy> strategies) {
        List<PlacementStrategy> keys = new ArrayList<>();
        List<String> leading = new ArrayList<>();
        List<TailKey> tail = new ArrayList<>();
        boolean random = false;
        boolean indexed = true;
        for (PlacementStrategy s : strategies) {
            if (s instanceof RandomPlacement) {
                random = true;
                break;
            }
            keys.add(s);
            switch (s) {
                case Spread sp
                when sp.attribute() != null -> {
                    if (tail.isEmpty()) {
                        leading.add(sp.attribute());
                    } else {
                        indexed = false;
                    }
                }
                case Spread sp -> tail.add(TailKey.INSTANCE_SPREAD);
                case Binpack b ->
                    tail.add(b.resource() == PlacementStrategy.Resource.CPU ? TailKey.CPU : TailKey.MEMORY);
                default -> throw new IllegalArgumentException("unknown strategy " + s);
            }
        }
        if (random && !tail.isEmpty()) {
            indexed = false;
        }
        return new StrategyPlan(List.copyOf(keys), random, List.copyOf(leading), List.copyOf(tail), indexed);
    }
}
